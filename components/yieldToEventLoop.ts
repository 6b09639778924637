// Yielding to the event loop while a large stack is declared: each registration is a chain of
// promises that settles over several turns of the loop; declaring thousands of resources in one
// synchronous pass keeps every chain alive at once (README: Scale). Pure module.

/** Lets the registrations made so far progress before the program makes more. */
export function yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}

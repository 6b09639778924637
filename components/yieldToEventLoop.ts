// Yielding to the event loop while a large stack is declared: each registration is a chain of
// promises that settles over several turns of the loop; declaring thousands of resources in one
// synchronous pass keeps every chain alive at once (docs/performance.md: Scale).
import * as pulumi from "@pulumi/pulumi";

/** Lets the registrations made so far progress before the program makes more. */
export function yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The yields of one declaration, and the failures of the Outputs it made before a yield and reads
 * (or exports) only after one. Such an Output can fail while the program yields: unobserved at the
 * end of that turn of the event loop, Node reports its rejection as unhandled, and again as
 * "handled asynchronously" when the program reads it at last. Watched, each failure is observed as
 * it happens, and the first one ends the declaration at the next yield with its own message.
 */
export class DeclarationTurns {
    private failure: { error: unknown } | undefined;

    /** Observes these Outputs from now on (pulumi.recover: handled, and recorded). */
    watch(...outputs: pulumi.Output<unknown>[]): void {
        for (const o of outputs) {
            pulumi.recover(o, (error: unknown) => {
                this.failure ??= { error };
                return undefined;
            });
        }
    }

    /** Yields to the event loop; then fails with the first failure watched so far, if any. */
    async yield(): Promise<void> {
        await yieldToEventLoop();
        if (this.failure) throw this.failure.error;
    }
}

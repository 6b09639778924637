// Moved to components/access/privilege.ts (the access model, issue 29); kept so imports of the old
// path in branches not yet merged still build.
export * from "./access/privilege";

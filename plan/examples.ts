// What the example stack file (Pulumi.dev.yaml) holds that no real stack should: its object ids
// and the documentation IP ranges of its authorizedIpRanges. A stack file copied from it and not
// fully edited plans with findings that say so. One list; test/plan.test.ts checks it against
// Pulumi.dev.yaml. Pure module.

/** The object ids Pulumi.dev.yaml uses as examples (groups, admins, deployer). */
export const EXAMPLE_OBJECT_IDS: readonly string[] = [
    "0b9e6d2c-7a4f-4e8b-b1c3-2d5f6a7e8c90",
    "1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b",
    "2d4f6a8c-1b3e-4d5f-a7b9-c1d3e5f7a9b1",
    "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    "4b1d2c3e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
    "5f0c8a3e-2b7d-4c1a-9e6f-8d3b2a1c0e9f",
    "7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098",
    "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
];

/**
 * Address ranges reserved for documentation: no real client ever has such an address, so an API
 * server open only to them is unreachable.
 */
export const DOCUMENTATION_RANGES: readonly { range: string; name: string }[] = [
    { range: "192.0.2.0/24", name: "TEST-NET-1, RFC 5737" },
    { range: "198.51.100.0/24", name: "TEST-NET-2, RFC 5737" },
    { range: "203.0.113.0/24", name: "TEST-NET-3, RFC 5737" },
    { range: "2001:db8::/32", name: "IPv6 documentation prefix, RFC 3849" },
];

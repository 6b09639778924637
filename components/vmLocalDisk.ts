// Where an Ephemeral OS disk lives on a node: the VM size's local (temp) storage. Pure module.
//
// AKS places an Ephemeral OS disk in the size's cache or temp storage and refuses one that does not
// fit; the v5 sizes have no cache, only temp storage, and only the sizes with `d` among their
// features have any (learn.microsoft.com/azure/aks/concepts-storage, "Ephemeral OS disks";
// learn.microsoft.com/azure/virtual-machines/vm-naming-conventions). The stack knows the sizes whose
// temp storage Microsoft's size tables give (docs/azure-facts.md, "Ephemeral OS disks"); for any
// other size it cannot say, and AKS decides when it creates the pool.
import { vmSizeVcpus } from "./config/values";

/**
 * With no OS disk size given, AKS sizes an Ephemeral OS disk from temp storage of at least 128 GiB
 * (learn.microsoft.com/azure/aks/concepts-storage, "Default OS disk sizing").
 */
export const EPHEMERAL_DEFAULT_MIN_GIB = 128;

/**
 * GiB of temp storage an Ephemeral OS disk can use on `vmSize`: a number; 0 for a v5 size without
 * local storage; undefined when the stack does not know the size.
 */
export function ephemeralCapacityGiB(vmSize: string): number | undefined {
    // Standard_<family><vCPUs><features>_v5, e.g. Standard_D8ds_v5, Standard_E4bds_v5.
    const m = /^Standard_([A-Z]+)(\d+)([a-z]*)_v5$/i.exec(vmSize);
    if (!m) return undefined;
    const [family, features] = [m[1].toUpperCase(), m[3].toLowerCase()];
    if (!features.includes("d")) return 0;
    const vcpus = vmSizeVcpus(vmSize);
    if (vcpus === undefined) return undefined;
    // Ddv5 and Ddsv5 (learn.microsoft.com/azure/virtual-machines/ddv5-ddsv5-series): 75 GiB per 2
    // vCPUs, from Standard_D2ds_v5's 75 to Standard_D96ds_v5's 3600. Ebdsv5: E2bds_v5 75 GiB and
    // E4bds_v5 150 (learn.microsoft.com/azure/aks/concepts-storage).
    if (family === "D" && (features === "d" || features === "ds")) return 37.5 * vcpus;
    if (family === "E" && features === "bds" && (vcpus === 2 || vcpus === 4)) return 37.5 * vcpus;
    return undefined;
}

/**
 * Why AKS refuses an Ephemeral OS disk of `sizeGB` (undefined: AKS's default) on `vmSize`, or
 * undefined when it fits or the stack does not know the size.
 */
export function ephemeralProblem(vmSize: string, sizeGB: number | undefined): string | undefined {
    const capacity = ephemeralCapacityGiB(vmSize);
    if (capacity === undefined) return undefined;
    if (capacity === 0) {
        return `${vmSize} has no local temp storage for an Ephemeral OS disk (only v5 sizes with "d" among their features have any, e.g. ${vmSize.replace(/(\d+)([a-z]*)_v5$/i, "$1ds_v5")})`;
    }
    if (sizeGB === undefined && capacity < EPHEMERAL_DEFAULT_MIN_GIB) {
        return `${vmSize} has ${capacity} GiB of temp storage, less than the ${EPHEMERAL_DEFAULT_MIN_GIB} GiB AKS sizes an Ephemeral OS disk from when osDiskSizeGB is not set; set osDiskSizeGB to at most ${capacity}`;
    }
    if (sizeGB !== undefined && sizeGB > capacity) {
        return `an Ephemeral OS disk of ${sizeGB} GiB does not fit in the ${capacity} GiB of temp storage of ${vmSize}; set osDiskSizeGB to at most ${capacity}, or osDiskType Managed`;
    }
    return undefined;
}

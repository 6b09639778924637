// scripts/delivery/previewComment.ts (pr-preview.yml, job "pulumi preview"): `pulumi preview` of
// each stack file a pull request changes, read-only, with the base branch's policy pack, against
// fake gh and pulumi.
import { strict as assert } from "node:assert";
import { stringify } from "yaml";
import { previewMarkdown, previewRows } from "../scripts/delivery/previewComment";
import { calls, envOf, fake, withSandbox, write } from "./workflowSandbox";

describe("previewComment.ts: pulumi preview of each changed stack file, read-only", function () {
    const FAKE = {
        gh: String.raw`echo "gh $*" >> "$FAKE_LOG"; cat "$FAKE_DIR/files.tsv"`,
        pulumi: String.raw`
echo "pulumi $*" >> "$FAKE_LOG"
case "$1 $2" in
  "stack select") [ "$3" != new ] ;;
  "preview --non-interactive")
echo "Previewing update ($4)"
printf 'Resources:\n    ~ 1 to update\n    70 unchanged\n'
[ "$4" != broken ] ;;
esac`,
    };
    it("previews changed stacks with the base's pack; never a private one, a new one or a deleted one", function () {
        withSandbox((sb) => {
            fake(sb, "gh", FAKE.gh);
            fake(sb, "pulumi", FAKE.pulumi);
            write(sb.dir, {
                "files.tsv": [
                    "modified\tPulumi.dev.yaml",
                    "modified\tPulumi.prod.yaml",
                    "added\tPulumi.new.yaml",
                    "removed\tPulumi.gone.yaml",
                    "modified\tPulumi.broken.yaml",
                    "modified\tREADME.md",
                    "added\tPulumi.pr-3.yaml",
                ].join("\n"),
                "Pulumi.dev.yaml": "config: {}\n",
                "Pulumi.new.yaml": "config: {}\n",
                "Pulumi.broken.yaml": "config: {}\n",
                "Pulumi.prod.yaml": stringify({
                    config: {
                        "aks-entra:cluster": { privateCluster: true },
                        "aks-entra:namespaces": [{ name: "a" }],
                    },
                }),
            });
            const rows = previewRows(
                envOf(sb, { GH_REPO: "contoso/aks-entra", PR_NUMBER: "42" }),
                sb.dir,
            );
            assert.deepEqual(
                rows.map((r) => [r.stack, r.result.split(":")[0]]),
                [
                    ["dev", "previewed"],
                    ["prod", "not previewed"],
                    ["new", "new stack"],
                    ["gone", "deleted"],
                    ["broken", "**pulumi preview failed** (exit 1)"],
                ],
            );
            const previews = calls(sb).filter((c) => c.startsWith("pulumi preview"));
            assert.deepEqual(previews, [
                "pulumi preview --non-interactive --stack dev --policy-pack base/policy",
                "pulumi preview --non-interactive --stack broken --policy-pack base/policy",
            ]);
            const md = previewMarkdown(rows);
            assert.match(
                md,
                /\| `prod` \| `Pulumi\.prod\.yaml` \| not previewed: private API server/,
            );
            assert.match(
                md,
                /<summary>stack <code>dev<\/code><\/summary>\n\n```text\nResources:\n {4}~ 1 to update\n {4}70 unchanged\n```/,
            );
        });
    });
});

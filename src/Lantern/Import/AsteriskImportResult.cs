using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lantern.Import;

/// <summary>The generated configuration, the per-setting report, and what validation said about the result.</summary>
public sealed record AsteriskImportResult(JsonObject Configuration, IReadOnlyList<ImportReportLine> Report, IReadOnlyList<string> ValidationErrors)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string ToJson() => Configuration.ToJsonString(Indented) + "\n";
}

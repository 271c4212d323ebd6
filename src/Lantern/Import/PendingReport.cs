namespace Lantern.Import;

/// <summary>Report lines of one object being built; paths are relative until the object gets its index (or is dropped).</summary>
internal sealed class PendingReport
{
    private readonly List<(AsteriskSetting Setting, ImportAction Action, string Detail, bool Relative)> _lines = [];

    public void Mapped(AsteriskSetting setting, string relativePath) => _lines.Add((setting, ImportAction.Mapped, relativePath, true));

    public void MappedAbsolute(AsteriskSetting setting, string path) => _lines.Add((setting, ImportAction.Mapped, path, false));

    public void Used(AsteriskSetting setting, string detail) => _lines.Add((setting, ImportAction.Used, detail, false));

    public void Ignored(AsteriskSetting setting, string reason) => _lines.Add((setting, ImportAction.Ignored, reason, false));

    /// <summary>Writes the lines with relative paths under <paramref name="prefix"/>, e.g. <c>endpoints[2]</c>.</summary>
    public void Commit(List<ImportReportLine> report, string prefix)
    {
        foreach (var (s, action, detail, relative) in Ordered())
        {
            var text = relative ? (detail.StartsWith('(') ? prefix + " " + detail : prefix + "." + detail) : detail;
            report.Add(new ImportReportLine(s.File, s.Line, action, s.Key, s.Value, text));
        }

        _lines.Clear();
    }

    /// <summary>The object is not created: every mapped or used line becomes ignored with <paramref name="reason"/>.</summary>
    public void Drop(List<ImportReportLine> report, string reason)
    {
        foreach (var (s, action, detail, _) in Ordered())
        {
            report.Add(new ImportReportLine(s.File, s.Line, ImportAction.Ignored, s.Key, s.Value, action == ImportAction.Ignored ? detail : reason));
        }

        _lines.Clear();
    }

    // Mappers visit settings in the order that suits them; the report reads best in file order (stable for ties).
    private List<(AsteriskSetting Setting, ImportAction Action, string Detail, bool Relative)> Ordered()
    {
        var files = new List<string>();
        foreach (var line in _lines)
        {
            if (!files.Contains(line.Setting.File))
            {
                files.Add(line.Setting.File);
            }
        }

        return [.. _lines.OrderBy(l => files.IndexOf(l.Setting.File)).ThenBy(l => l.Setting.Line)];
    }
}

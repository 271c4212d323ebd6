namespace Lantern.Import;

/// <summary>A parsed Asterisk config file with its includes, and the problems met reading it.</summary>
public sealed class AsteriskConfig
{
    public List<AsteriskSection> Sections { get; } = [];

    /// <summary>Lines outside any section, include failures and similar, for the report.</summary>
    public List<ImportReportLine> Problems { get; } = [];

    public AsteriskSection? Find(string name)
    {
        foreach (var s in Sections)
        {
            if (string.Equals(s.Name, name, StringComparison.Ordinal))
            {
                return s;
            }
        }

        return null;
    }
}

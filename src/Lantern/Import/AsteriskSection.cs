namespace Lantern.Import;

/// <summary>A <c>[name]</c> section: its own settings and, once resolved, those inherited from templates first.</summary>
public sealed class AsteriskSection(string name, string file, int line)
{
    public string Name { get; } = name;

    public string File { get; } = file;

    public int Line { get; } = line;

    /// <summary>Declared with <c>(!)</c>: a template, not an object of its own.</summary>
    public bool IsTemplate { get; set; }

    /// <summary>Templates named in <c>(a,b)</c>, in order.</summary>
    public List<string> Templates { get; } = [];

    /// <summary>Settings written in this section (and in <c>(+)</c> continuations).</summary>
    public List<AsteriskSetting> Own { get; } = [];

    /// <summary>Inherited settings (template order) followed by <see cref="Own"/>; set by the parser.</summary>
    public List<AsteriskSetting> Settings { get; } = [];

    /// <summary>True when some other section inherits from this one.</summary>
    public bool IsInherited { get; set; }

    public string Location => $"{File}:{Line}";

    /// <summary>The last value of <paramref name="key"/> (later lines override earlier ones, as in Asterisk).</summary>
    public AsteriskSetting? Last(string key)
    {
        for (var i = Settings.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Settings[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return Settings[i];
            }
        }

        return null;
    }

    /// <summary>The value of <c>type=</c>, lower case, or empty.</summary>
    public string Type => Last("type")?.Value.ToLowerInvariant() ?? string.Empty;
}

namespace Lantern.Configuration;

/// <summary>The <c>logging</c> section: console format and per-category minimum levels.</summary>
public sealed class LoggingOptions
{
    /// <summary><c>text</c> (one line per event) or <c>json</c> (one JSON object per line).</summary>
    public string Format { get; set; } = "text";

    /// <summary>Minimum level per category prefix (e.g. <c>"Lantern.Phones": "Debug"</c>); the longest matching prefix wins.</summary>
    public Dictionary<string, string> Levels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The standard .NET <c>Logging.LogLevel</c> section, read by the host itself; same meaning as <see cref="Levels"/>.</summary>
    public Dictionary<string, string> LogLevel { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

namespace Lantern.Import;

/// <summary>One <c>key=value</c> or <c>key =&gt; value</c> line of an Asterisk config file, with where it came from.</summary>
public sealed record AsteriskSetting(string Key, string Value, string File, int Line, bool IsArrow)
{
    public string Location => $"{File}:{Line}";
}

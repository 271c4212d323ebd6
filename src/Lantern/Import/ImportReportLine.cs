namespace Lantern.Import;

/// <summary>One report line: <c>file:line: [used|mapped|ignored] key=value -&gt; lantern path / reason</c>.</summary>
public sealed record ImportReportLine(string File, int Line, ImportAction Action, string Key, string Value, string Detail)
{
    private static readonly string[] SecretKeys = ["secret", "md5secret", "password", "md5_cred", "remotesecret"];

    public override string ToString()
    {
        var action = Action.ToString().ToLowerInvariant();
        var kv = Key.Length == 0 ? Value : Key.StartsWith('#') ? $"{Key} {Value}" : $"{Key}={Mask(Key, Value)}";
        return $"{File}:{Line}: [{action}] {kv} -> {Detail}";
    }

    // Reports are pasted into tickets: never print a password.
    private static string Mask(string key, string value)
    {
        if (Array.Exists(SecretKeys, k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)))
        {
            return "***";
        }

        return string.Equals(key, "mwi", StringComparison.OrdinalIgnoreCase) || string.Equals(key, "register", StringComparison.OrdinalIgnoreCase)
            ? Configuration.UpstreamLine.Mask(value)
            : value;
    }
}

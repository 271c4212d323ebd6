namespace Lantern.Ami;

/// <summary>One client packet: its <c>Key: Value</c> lines in order, keys compared case-insensitively.</summary>
internal sealed class AmiPacket
{
    private readonly List<KeyValuePair<string, string>> _fields;

    public AmiPacket(List<KeyValuePair<string, string>> fields)
    {
        _fields = fields;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public string? Action => Get("Action");

    public string? ActionId => Get("ActionID");

    /// <summary>The value of the first line with this key, or null.</summary>
    public string? Get(string key)
    {
        foreach (var field in _fields)
        {
            if (string.Equals(field.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value;
            }
        }

        return null;
    }
}

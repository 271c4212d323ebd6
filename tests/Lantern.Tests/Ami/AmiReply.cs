namespace Lantern.Tests.Ami;

/// <summary>One packet received by the test client.</summary>
internal sealed class AmiReply(List<KeyValuePair<string, string>> fields)
{
    public IReadOnlyList<KeyValuePair<string, string>> Fields => fields;

    public string? this[string key] => fields.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    public override string ToString() => string.Join(" | ", fields.Select(f => f.Key + ": " + f.Value));
}

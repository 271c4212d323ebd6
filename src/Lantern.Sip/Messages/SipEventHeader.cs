namespace Lantern.Sip.Messages;

/// <summary>The Event header (RFC 6665 §8.2.1): package name and optional id parameter.</summary>
public sealed record SipEventHeader(string Package, string? Id, IReadOnlyList<KeyValuePair<string, string?>> Parameters);

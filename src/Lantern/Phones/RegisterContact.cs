namespace Lantern.Phones;

/// <summary>One Contact of a REGISTER: its URI and its <c>expires</c> parameter when present.</summary>
internal sealed record RegisterContact(string Uri, int? Expires);

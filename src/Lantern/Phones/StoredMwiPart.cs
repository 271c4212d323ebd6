namespace Lantern.Phones;

/// <summary>One part of a stored subscription's target.</summary>
internal sealed record StoredMwiPart(List<string> Mailboxes, string Account);

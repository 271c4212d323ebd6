namespace Lantern.Mailboxes;

/// <summary>A filtered, cursor-paged listing of mailboxes.</summary>
/// <param name="After">Cursor: only ids ordinally greater than this one.</param>
/// <param name="Match">Extra predicate on the id (e.g. a regex with a timeout), applied last.</param>
public sealed record MailboxQuery(
    string? Context = null,
    string? Prefix = null,
    bool? Waiting = null,
    MailboxSource? Source = null,
    string? After = null,
    int Limit = int.MaxValue,
    Func<MailboxId, bool>? Match = null)
{
    public static MailboxQuery All { get; } = new();
}

namespace Lantern.Mailboxes;

/// <summary>Who is writing in the current async flow (API user, AMI user, CLI), for the mailbox history; one per host.</summary>
/// <remarks>Ambient rather than a parameter so the write API stays the owner-checked one every source already uses; the
/// sources that have no user (upstreams, peers, spools) leave it unset and the owner names the actor.</remarks>
public sealed class MailboxActorContext
{
    private readonly AsyncLocal<string?> _current = new();

    /// <summary>The actor set by <see cref="Set"/> earlier in this async flow, or null.</summary>
    public string? Current => _current.Value;

    /// <summary>Sets the actor for the rest of the current async flow (an HTTP request, an AMI action).</summary>
    public void Set(string? actor) => _current.Value = actor;

    /// <summary>The actor to record for a write by <paramref name="source"/>.</summary>
    public string ActorFor(MailboxSource source) => _current.Value ?? source.ToString();
}

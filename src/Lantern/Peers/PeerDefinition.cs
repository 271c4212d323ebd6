using System.Net;
using Lantern.Mailboxes;

namespace Lantern.Peers;

/// <summary>One configured peer after start-up resolution: its networks, credentials and mailbox.</summary>
/// <param name="Match">The configured entries, as written.</param>
/// <param name="Networks">What they resolved to (host names become /32 or /128).</param>
/// <param name="Username">The digest user it must authenticate as; null means no challenge.</param>
internal sealed record PeerDefinition(
    string Name,
    IReadOnlyList<string> Match,
    IReadOnlyList<IPNetwork> Networks,
    MailboxId Mailbox,
    string? Username,
    string? Password,
    bool AllowPublish)
{
    public bool RequiresAuth => Username is not null;

    public MailboxSource Source => MailboxSource.Peer(Name);

    /// <summary>True when both come from the same configuration (resolved networks aside).</summary>
    public bool SameConfiguration(PeerDefinition other) =>
        Name == other.Name && Mailbox == other.Mailbox && Username == other.Username && Password == other.Password
        && AllowPublish == other.AllowPublish && Match.SequenceEqual(other.Match, StringComparer.Ordinal);

    /// <summary>The longest prefix among <see cref="Networks"/> containing <paramref name="address"/>, or -1.</summary>
    public int MatchLength(IPAddress address)
    {
        var best = -1;
        foreach (var n in Networks)
        {
            if (n.PrefixLength > best && n.Contains(address))
            {
                best = n.PrefixLength;
            }
        }

        return best;
    }
}

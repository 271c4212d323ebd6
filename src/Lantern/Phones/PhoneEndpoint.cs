using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Auth;

namespace Lantern.Phones;

/// <summary>One configured endpoint (a phone), as the notifier, registrar and unsolicited NOTIFY see it.</summary>
/// <param name="AuthUser">The digest user name; the endpoint id unless configured otherwise.</param>
/// <param name="Ha1">Hex MD5 of <c>user:realm:password</c> when configured instead of a password.</param>
/// <param name="Contacts">Static contacts (SIP URIs) from the configuration.</param>
/// <param name="Permit">Addresses or CIDR ranges allowed to act as this endpoint; empty means any.</param>
/// <param name="DigestAlgorithms">Digest challenges for this endpoint, in order; null means <c>sip.digestAlgorithms</c>.</param>
/// <param name="MaxContacts">Registered contacts kept for this endpoint; 0 means the registrar's default.</param>
internal sealed record PhoneEndpoint(
    string Id,
    string AuthUser,
    string? Password,
    string? Ha1,
    IReadOnlyList<MailboxId> Mailboxes,
    bool Aggregate = true,
    string? VoicemailExtension = null,
    bool Unsolicited = true,
    bool SubscribeReplacesUnsolicited = true,
    bool OmitUrgent = false,
    IReadOnlyList<string>? Contacts = null,
    IReadOnlyList<string>? Permit = null,
    int MaxSubscriptions = EndpointOptions.DefaultMaxSubscriptions,
    string? FromUser = null,
    IReadOnlyList<DigestAlgorithm>? DigestAlgorithms = null,
    int MaxContacts = 0,
    bool AllowSubscribe = true)
{
    public IReadOnlyList<string> StaticContacts => Contacts ?? [];

    public IReadOnlyList<string> PermitList => Permit ?? [];

    /// <summary>True when the endpoint needs no digest auth (no password, no HA1): it is admitted by its permit ACL.</summary>
    public bool WithoutAuth => Password is null && Ha1 is null;

    /// <summary>Builds the endpoint from validated options (invalid mailbox ids are skipped: validation reported them).</summary>
    public static PhoneEndpoint FromOptions(EndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var mailboxes = new List<MailboxId>(options.Mailboxes.Count);
        foreach (var text in options.Mailboxes)
        {
            if (MailboxId.TryParse(text, out var id, out _) && !mailboxes.Contains(id))
            {
                mailboxes.Add(id);
            }
        }

        return new PhoneEndpoint(
            options.Id,
            options.EffectiveAuthUser,
            string.IsNullOrEmpty(options.Password) ? null : options.Password,
            string.IsNullOrEmpty(options.Ha1) ? null : options.Ha1,
            mailboxes,
            options.Aggregate,
            string.IsNullOrEmpty(options.VoicemailExtension) ? null : options.VoicemailExtension,
            options.Unsolicited,
            options.SubscribeReplacesUnsolicited,
            options.OmitUrgent,
            [.. options.Contacts],
            [.. options.Permit],
            options.MaxSubscriptions > 0 ? options.MaxSubscriptions : EndpointOptions.DefaultMaxSubscriptions,
            string.IsNullOrEmpty(options.FromUser) ? null : options.FromUser,
            options.DigestAlgorithms.Count == 0 ? null : PhonesAuthenticator.ParseAlgorithms(options.DigestAlgorithms),
            Math.Max(0, options.MaxContacts),
            options.AllowSubscribe);
    }

    /// <summary>Convenience for tests and defaults: an endpoint with a password and the given mailboxes.</summary>
    public static PhoneEndpoint Create(string id, string? password, params string[] mailboxes)
    {
        var ids = new MailboxId[mailboxes.Length];
        for (var i = 0; i < mailboxes.Length; i++)
        {
            ids[i] = MailboxId.Parse(mailboxes[i]);
        }

        return new PhoneEndpoint(id, id, password, null, ids);
    }
}

namespace Lantern.Configuration;

/// <summary>One endpoint (a phone or gateway that receives MWI): <c>endpoints[]</c>.</summary>
public sealed class EndpointOptions
{
    public const int DefaultMaxSubscriptions = 20;

    /// <summary>The endpoint id: SIP user part it registers and subscribes as.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Plain-text digest password; exclusive with <see cref="Ha1"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Hex MD5 of <c>authUser:realm:password</c>; exclusive with <see cref="Password"/>.</summary>
    public string? Ha1 { get; set; }

    /// <summary>Digest algorithms challenged for this endpoint, in order; empty means <c>sip.digestAlgorithms</c> (without SHA-256
    /// for an <see cref="Ha1"/> endpoint, which can only answer MD5).</summary>
    /// <remarks>Empty means inherit; a non-empty default list would be appended to by the configuration binder.</remarks>
    public List<string> DigestAlgorithms { get; set; } = [];

    /// <summary>Digest user name; null means <see cref="Id"/>.</summary>
    public string? AuthUser { get; set; }

    /// <summary>Mailbox ids (<c>mailbox[@context]</c>) the endpoint may see.</summary>
    public List<string> Mailboxes { get; set; } = [];

    /// <summary>User part of <c>Message-Account</c> and an extra subscribe target, e.g. <c>*97</c>.</summary>
    public string? VoicemailExtension { get; set; }

    /// <summary>Sum all mailboxes into one body (true) or serve each mailbox on its own.</summary>
    public bool Aggregate { get; set; } = true;

    /// <summary>Send out-of-dialog NOTIFYs to the endpoint's contacts.</summary>
    public bool Unsolicited { get; set; } = true;

    /// <summary>No unsolicited NOTIFY for a mailbox while a subscription covers it.</summary>
    public bool SubscribeReplacesUnsolicited { get; set; } = true;

    /// <summary>Drop the urgent <c>(n/o)</c> part for phones that cannot parse it (Asterisk's <c>buggymwi</c>).</summary>
    public bool OmitUrgent { get; set; }

    /// <summary>User part of the From header of NOTIFYs; null means the mailbox or voicemail extension.</summary>
    public string? FromUser { get; set; }

    /// <summary>Static contacts (SIP URIs) that receive unsolicited NOTIFYs without registering.</summary>
    public List<string> Contacts { get; set; } = [];

    /// <summary>Source addresses or CIDR ranges allowed; without credentials these authenticate the endpoint.</summary>
    public List<string> Permit { get; set; } = [];

    /// <summary>Most contacts the registrar keeps for this endpoint (pjsip's <c>max_contacts</c>); 0 means the default, 10.</summary>
    public int MaxContacts { get; set; }

    /// <summary>Accept SUBSCRIBE from this endpoint; false answers 403 and leaves it unsolicited NOTIFYs (chan_sip <c>allowsubscribe=no</c>).</summary>
    public bool AllowSubscribe { get; set; } = true;

    /// <summary>Most concurrent subscriptions this endpoint may hold.</summary>
    public int MaxSubscriptions { get; set; } = DefaultMaxSubscriptions;

    /// <summary>The digest user name in effect.</summary>
    public string EffectiveAuthUser => string.IsNullOrEmpty(AuthUser) ? Id : AuthUser;

    /// <summary>True when the endpoint authenticates by source address only.</summary>
    public bool IsAclOnly => string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(Ha1);
}

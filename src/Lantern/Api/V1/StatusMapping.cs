using Lantern.Status;

namespace Lantern.Api.V1;

/// <summary>Converts the status read models of the phones, upstreams and peers layers into wire DTOs.</summary>
internal static class StatusMapping
{
    public static string StateName(UpstreamState state) => state switch
    {
        UpstreamState.Subscribing => "subscribing",
        UpstreamState.Active => "active",
        UpstreamState.Retrying => "retrying",
        UpstreamState.FailedAuth => "failed-auth",
        UpstreamState.FailedNoNotify => "failed-no-notify",
        _ => "unknown",
    };

    public static EndpointDto ToDto(EndpointStatus e)
    {
        var contacts = Map(e.Contacts, ToDto);
        var subscriptions = Map(e.Subscriptions, ToDto);
        return new EndpointDto(
            e.Id,
            e.Mailboxes,
            e.Aggregate,
            e.VoicemailExtension,
            e.Unsolicited,
            e.SubscribeReplacesUnsolicited,
            e.OmitUrgent,
            e.Authentication,
            e.Permit,
            contacts,
            subscriptions,
            LastNotify(e));
    }

    public static RegistrationDto ToDto(RegistrationStatus r) => new(
        r.EndpointId,
        RedactUri(r.Contact),
        r.Origin,
        r.BoundAt,
        r.ExpiresAt,
        r.Path,
        r.Remote,
        r.UserAgent,
        r.LastNotifySuccessAt,
        r.LastNotifyFailureAt,
        r.LastNotifyFailure);

    public static SubscriptionDto ToDto(SubscriptionStatus s) => new(
        s.Id,
        s.EndpointId,
        s.Mailboxes,
        s.Aggregate,
        s.State,
        s.CallId,
        RedactUri(s.RemoteTarget),
        s.Remote,
        s.Trusted,
        s.CreatedAt,
        s.ExpiresAt,
        s.LastVersion,
        s.LastNotifyAt,
        s.LastResult);

    public static UpstreamDto ToDto(UpstreamStatus u) => new(
        u.Name,
        RedactUri(u.Target),
        u.Mailbox,
        u.Transport,
        StateName(u.State),
        u.GrantedExpires,
        u.LastNotifyAt,
        u.LastError,
        u.NextAttemptAt,
        u.Attempts,
        u.Failures);

    public static PeerDto ToDto(PeerStatus p) => new(
        p.Name,
        p.Match,
        p.Networks,
        p.Mailbox,
        p.Authenticated,
        p.Publications,
        p.PublicationExpiresAt,
        p.LastRequestAt,
        p.LastError,
        p.Accepted,
        p.Refused);

    public static StatusListDto<TDto> ToList<TStatus, TDto>(IReadOnlyList<TStatus>? items, Func<TStatus, TDto> map) => new(Map(items, map));

    /// <summary>Drops a password from a SIP URI's userinfo (<c>sip:user:secret@host</c>), which RFC 3261 deprecates and we never show.</summary>
    public static string RedactUri(string uri)
    {
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var at = uri.LastIndexOf('@');
        if (colon < 0 || at <= colon)
        {
            return uri;
        }

        var secret = uri.IndexOf(':', colon + 1, at - colon - 1);
        return secret < 0 ? uri : string.Concat(uri.AsSpan(0, secret), uri.AsSpan(at));
    }

    /// <summary>The latest NOTIFY over the endpoint's subscriptions (their last result) and contacts (unsolicited successes and failures).</summary>
    private static LastNotifyDto? LastNotify(EndpointStatus e)
    {
        LastNotifyDto? last = null;
        foreach (var s in e.Subscriptions ?? [])
        {
            if (s.LastNotifyAt is { } at && (last is null || at > last.At))
            {
                var result = s.LastResult ?? "sent";
                last = new LastNotifyDto(at, "subscription", RedactUri(s.RemoteTarget), result, result.StartsWith('2'));
            }
        }

        foreach (var c in e.Contacts ?? [])
        {
            if (c.LastNotifySuccessAt is { } ok && (last is null || ok > last.At))
            {
                last = new LastNotifyDto(ok, "unsolicited", RedactUri(c.Contact), "delivered", true);
            }

            if (c.LastNotifyFailureAt is { } failed && (last is null || failed > last.At))
            {
                last = new LastNotifyDto(failed, "unsolicited", RedactUri(c.Contact), c.LastNotifyFailure ?? "failed", false);
            }
        }

        return last;
    }

    private static TDto[] Map<TStatus, TDto>(IReadOnlyList<TStatus>? items, Func<TStatus, TDto> map)
    {
        if (items is null)
        {
            return [];
        }

        var result = new TDto[items.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = map(items[i]);
        }

        return result;
    }
}

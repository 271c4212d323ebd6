using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Header name lookup (case-insensitive, compact forms) and canonical names for writing.</summary>
public static class SipHeaderNames
{
    /// <summary>The canonical long name written on the wire; empty for <see cref="SipHeaderId.Unknown"/>.</summary>
    public static string ToName(SipHeaderId id) => id switch
    {
        SipHeaderId.Via => "Via",
        SipHeaderId.From => "From",
        SipHeaderId.To => "To",
        SipHeaderId.CallId => "Call-ID",
        SipHeaderId.CSeq => "CSeq",
        SipHeaderId.MaxForwards => "Max-Forwards",
        SipHeaderId.ContentLength => "Content-Length",
        SipHeaderId.ContentType => "Content-Type",
        SipHeaderId.ContentEncoding => "Content-Encoding",
        SipHeaderId.Event => "Event",
        SipHeaderId.Expires => "Expires",
        SipHeaderId.MinExpires => "Min-Expires",
        SipHeaderId.Contact => "Contact",
        SipHeaderId.RecordRoute => "Record-Route",
        SipHeaderId.Route => "Route",
        SipHeaderId.SubscriptionState => "Subscription-State",
        SipHeaderId.Accept => "Accept",
        SipHeaderId.Allow => "Allow",
        SipHeaderId.Require => "Require",
        SipHeaderId.ProxyRequire => "Proxy-Require",
        SipHeaderId.Supported => "Supported",
        SipHeaderId.Unsupported => "Unsupported",
        SipHeaderId.AllowEvents => "Allow-Events",
        SipHeaderId.Path => "Path",
        SipHeaderId.Authorization => "Authorization",
        SipHeaderId.ProxyAuthorization => "Proxy-Authorization",
        SipHeaderId.WwwAuthenticate => "WWW-Authenticate",
        SipHeaderId.ProxyAuthenticate => "Proxy-Authenticate",
        SipHeaderId.AuthenticationInfo => "Authentication-Info",
        SipHeaderId.SipETag => "SIP-ETag",
        SipHeaderId.SipIfMatch => "SIP-If-Match",
        SipHeaderId.RetryAfter => "Retry-After",
        SipHeaderId.Subject => "Subject",
        SipHeaderId.ReferTo => "Refer-To",
        SipHeaderId.UserAgent => "User-Agent",
        SipHeaderId.Server => "Server",
        SipHeaderId.Date => "Date",
        _ => string.Empty,
    };

    /// <summary>Maps a header name (any case, long or compact form) to its id.</summary>
    public static SipHeaderId Lookup(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> buffer = stackalloc byte[32];
        return name.Length <= 32 && Encoding.ASCII.TryGetBytes(name, buffer, out var n) ? Lookup(buffer[..n]) : SipHeaderId.Unknown;
    }

    /// <summary>Maps a header name (any case, long or compact form) to its id.</summary>
    public static SipHeaderId Lookup(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return SipHeaderId.Unknown;
        }

        var first = (byte)(name[0] | 0x20);
        if (name.Length == 1)
        {
            return first switch
            {
                (byte)'v' => SipHeaderId.Via,
                (byte)'f' => SipHeaderId.From,
                (byte)'t' => SipHeaderId.To,
                (byte)'i' => SipHeaderId.CallId,
                (byte)'m' => SipHeaderId.Contact,
                (byte)'l' => SipHeaderId.ContentLength,
                (byte)'c' => SipHeaderId.ContentType,
                (byte)'e' => SipHeaderId.ContentEncoding,
                (byte)'k' => SipHeaderId.Supported,
                (byte)'s' => SipHeaderId.Subject,
                (byte)'o' => SipHeaderId.Event,
                (byte)'u' => SipHeaderId.AllowEvents,
                (byte)'r' => SipHeaderId.ReferTo,
                _ => SipHeaderId.Unknown,
            };
        }

        return first switch
        {
            (byte)'a' => Match(name, "Accept"u8, SipHeaderId.Accept, "Allow"u8, SipHeaderId.Allow, "Allow-Events"u8, SipHeaderId.AllowEvents,
                "Authorization"u8, SipHeaderId.Authorization, "Authentication-Info"u8, SipHeaderId.AuthenticationInfo),
            (byte)'c' => Match(name, "Call-ID"u8, SipHeaderId.CallId, "CSeq"u8, SipHeaderId.CSeq, "Contact"u8, SipHeaderId.Contact,
                "Content-Length"u8, SipHeaderId.ContentLength, "Content-Type"u8, SipHeaderId.ContentType,
                "Content-Encoding"u8, SipHeaderId.ContentEncoding),
            (byte)'d' => Match(name, "Date"u8, SipHeaderId.Date),
            (byte)'e' => Match(name, "Event"u8, SipHeaderId.Event, "Expires"u8, SipHeaderId.Expires),
            (byte)'f' => Match(name, "From"u8, SipHeaderId.From),
            (byte)'m' => Match(name, "Max-Forwards"u8, SipHeaderId.MaxForwards, "Min-Expires"u8, SipHeaderId.MinExpires),
            (byte)'p' => Match(name, "Path"u8, SipHeaderId.Path, "Proxy-Authorization"u8, SipHeaderId.ProxyAuthorization,
                "Proxy-Authenticate"u8, SipHeaderId.ProxyAuthenticate, "Proxy-Require"u8, SipHeaderId.ProxyRequire),
            (byte)'r' => Match(name, "Route"u8, SipHeaderId.Route, "Record-Route"u8, SipHeaderId.RecordRoute, "Require"u8, SipHeaderId.Require,
                "Retry-After"u8, SipHeaderId.RetryAfter, "Refer-To"u8, SipHeaderId.ReferTo),
            (byte)'s' => Match(name, "Subscription-State"u8, SipHeaderId.SubscriptionState, "Supported"u8, SipHeaderId.Supported,
                "SIP-ETag"u8, SipHeaderId.SipETag, "SIP-If-Match"u8, SipHeaderId.SipIfMatch, "Server"u8, SipHeaderId.Server,
                "Subject"u8, SipHeaderId.Subject),
            (byte)'t' => Match(name, "To"u8, SipHeaderId.To),
            (byte)'u' => Match(name, "Unsupported"u8, SipHeaderId.Unsupported, "User-Agent"u8, SipHeaderId.UserAgent),
            (byte)'v' => Match(name, "Via"u8, SipHeaderId.Via),
            (byte)'w' => Match(name, "WWW-Authenticate"u8, SipHeaderId.WwwAuthenticate),
            _ => SipHeaderId.Unknown,
        };
    }

    private static SipHeaderId Match(ReadOnlySpan<byte> name, ReadOnlySpan<byte> a, SipHeaderId ida) =>
        name.Length == a.Length && Ascii.EqualsIgnoreCase(name, a) ? ida : SipHeaderId.Unknown;

    private static SipHeaderId Match(ReadOnlySpan<byte> name, ReadOnlySpan<byte> a, SipHeaderId ida, ReadOnlySpan<byte> b, SipHeaderId idb)
    {
        var id = Match(name, a, ida);
        return id != SipHeaderId.Unknown ? id : Match(name, b, idb);
    }

    private static SipHeaderId Match(ReadOnlySpan<byte> name, ReadOnlySpan<byte> a, SipHeaderId ida, ReadOnlySpan<byte> b, SipHeaderId idb,
        ReadOnlySpan<byte> c, SipHeaderId idc, ReadOnlySpan<byte> d = default, SipHeaderId idd = SipHeaderId.Unknown,
        ReadOnlySpan<byte> e = default, SipHeaderId ide = SipHeaderId.Unknown, ReadOnlySpan<byte> f = default, SipHeaderId idf = SipHeaderId.Unknown)
    {
        var id = Match(name, a, ida, b, idb);
        if (id == SipHeaderId.Unknown)
        {
            id = Match(name, c, idc);
        }

        if (id == SipHeaderId.Unknown && !d.IsEmpty)
        {
            id = Match(name, d, idd);
        }

        if (id == SipHeaderId.Unknown && !e.IsEmpty)
        {
            id = Match(name, e, ide);
        }

        if (id == SipHeaderId.Unknown && !f.IsEmpty)
        {
            id = Match(name, f, idf);
        }

        return id;
    }
}

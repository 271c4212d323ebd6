using System.Buffers;
using System.Globalization;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Builds a request or response to serialize with <see cref="SipMessageWriter"/>. Content-Length is always written
/// by the writer from the body; one set here is ignored.</summary>
public sealed class SipMessageBuilder
{
    private readonly List<KeyValuePair<string, string>> _headers = new(16);

    // Each header's id, parallel to _headers: the stack looks headers up by id several times per request, and a name lookup
    // per header per query showed in NOTIFY fan-out profiles.
    private readonly List<SipHeaderId> _ids = new(16);

    private SipMessageBuilder(bool isRequest, string method, string requestUri, int statusCode, string reasonPhrase)
    {
        IsRequest = isRequest;
        MethodText = method;
        RequestUri = requestUri;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public bool IsRequest { get; }

    public string MethodText { get; }

    public SipMethod Method => SipMethods.Parse(MethodText);

    public string RequestUri { get; set; }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>Headers in write order as (name, value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public static SipMessageBuilder Request(SipMethod method, string requestUri) => Request(SipMethods.ToText(method), requestUri);

    public static SipMessageBuilder Request(string method, string requestUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(requestUri);
        return new SipMessageBuilder(true, method, requestUri, 0, string.Empty);
    }

    public static SipMessageBuilder Response(int statusCode, string? reasonPhrase = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        return new SipMessageBuilder(false, string.Empty, string.Empty, statusCode, reasonPhrase ?? SipReasonPhrases.For(statusCode));
    }

    /// <summary>A response to <paramref name="request"/> per RFC 3261 §8.2.6.2: every Via (top one with the received/rport
    /// recorded by <see cref="SipMessage.ApplyReceived"/>), From, To (with <paramref name="toTag"/> added when it has none and the
    /// status is above 100), Call-ID and CSeq.</summary>
    public static SipMessageBuilder ResponseTo(SipMessage request, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var b = Response(statusCode, reasonPhrase);
        var first = true;
        request.ForEachItem(SipHeaderId.Via, range =>
        {
            b.Append(SipHeaderId.Via, "Via", first ? TopViaForResponse(request) : Encoding.UTF8.GetString(range.Of(request.Span)));
            first = false;
        });
        // A request answered statelessly for a missing or malformed From/To/Call-ID (RFC 4475 §3.3.1) gets back what it
        // had, as written, and nothing for what it lacked.
        AddIfPresent(b, SipHeaderId.From, request.FromIndex >= 0 ? request.FromText : request.GetHeader(SipHeaderId.From));
        var to = request.ToIndex >= 0 ? request.ToText : request.GetHeader(SipHeaderId.To);
        if (to is not null && request.ToIndex >= 0 && toTag is not null && statusCode > 100 && request.ToTag is null)
        {
            to += ";tag=" + toTag;
        }

        AddIfPresent(b, SipHeaderId.To, to);
        AddIfPresent(b, SipHeaderId.CallId, request.CallIdRange.IsEmpty ? request.GetHeader(SipHeaderId.CallId) : request.CallId);
        b.AddHeader(SipHeaderId.CSeq, request.CSeqText);
        return b;
    }

    public SipMessageBuilder AddHeader(SipHeaderId id, string value)
    {
        var name = SipHeaderNames.ToName(id);
        ArgumentException.ThrowIfNullOrEmpty(name, nameof(id));
        CheckValue(value);
        if (id != SipHeaderId.ContentLength)
        {
            Append(id, name, value);
        }

        return this;
    }

    public SipMessageBuilder AddHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        CheckValue(value);
        var id = SipHeaderNames.Lookup(name);
        if (id != SipHeaderId.ContentLength)
        {
            Append(id, name, value);
        }

        return this;
    }

    /// <summary>Inserts a header before all others (the stack puts its Via on top this way).</summary>
    public SipMessageBuilder PrependHeader(SipHeaderId id, string value)
    {
        var name = SipHeaderNames.ToName(id);
        ArgumentException.ThrowIfNullOrEmpty(name, nameof(id));
        CheckValue(value);
        if (id != SipHeaderId.ContentLength)
        {
            _headers.Insert(0, new(name, value));
            _ids.Insert(0, id);
        }

        return this;
    }

    /// <summary>Replaces every header of this id with one value.</summary>
    public SipMessageBuilder SetHeader(SipHeaderId id, string value)
    {
        RemoveHeader(id);
        return AddHeader(id, value);
    }

    public SipMessageBuilder RemoveHeader(SipHeaderId id)
    {
        for (var i = _ids.Count - 1; i >= 0; i--)
        {
            if (_ids[i] == id)
            {
                _ids.RemoveAt(i);
                _headers.RemoveAt(i);
            }
        }

        return this;
    }

    /// <summary>The first value of a header, or null.</summary>
    public string? GetHeader(SipHeaderId id)
    {
        var i = _ids.IndexOf(id);
        return i < 0 ? null : _headers[i].Value;
    }

    /// <summary>Sets the body and its Content-Type (replacing any).</summary>
    public SipMessageBuilder SetBody(ReadOnlyMemory<byte> body, string? contentType)
    {
        Body = body;
        RemoveHeader(SipHeaderId.ContentType);
        if (contentType is not null && !body.IsEmpty)
        {
            AddHeader(SipHeaderId.ContentType, contentType);
        }

        return this;
    }

    public SipMessageBuilder SetBody(string body, string contentType) => SetBody(Encoding.UTF8.GetBytes(body), contentType);

    public void WriteTo(IBufferWriter<byte> writer) => SipMessageWriter.Write(this, writer);

    /// <summary>The serialized message in an array of exactly its length.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[SipMessageWriter.GetByteCount(this)];
        SipMessageWriter.Write(this, bytes);
        return bytes;
    }

    public override string ToString() => Encoding.UTF8.GetString(ToArray());

    private static void AddIfPresent(SipMessageBuilder b, SipHeaderId id, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            b.AddHeader(id, value);
        }
    }

    private static void CheckValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("Header values must not contain line breaks.", nameof(value));
        }
    }

    private void Append(SipHeaderId id, string name, string value)
    {
        _headers.Add(new(name, value));
        _ids.Add(id);
    }

    private static string TopViaForResponse(SipMessage request)
    {
        var r = request.TopViaRanges;
        var span = request.Span;
        if (request.ReceivedOverride is null && request.RportOverride is null)
        {
            return Encoding.UTF8.GetString(r.Entry.Of(span));
        }

        var sb = new StringBuilder(r.Entry.Length + 40);
        var head = r.Parameters.IsEmpty ? r.Entry : new ByteRange(r.Entry.Start, r.Parameters.Start - r.Entry.Start);
        sb.Append(Encoding.UTF8.GetString(SipSyntax.Trim(head.Of(span))));
        var ps = r.Parameters.Of(span);
        var pos = 0;
        while (pos < ps.Length)
        {
            var rest = ps[pos..];
            var semi = SipSyntax.IndexOfOutside(rest, (byte)';');
            var piece = SipSyntax.Trim(semi < 0 ? rest : rest[..semi]);
            var eq = piece.IndexOf((byte)'=');
            var name = SipSyntax.Trim(eq < 0 ? piece : piece[..eq]);
            var replaced = (request.ReceivedOverride is not null && Ascii.EqualsIgnoreCase(name, "received"u8))
                || (request.RportOverride is not null && Ascii.EqualsIgnoreCase(name, "rport"u8));
            if (!piece.IsEmpty && !replaced)
            {
                sb.Append(';').Append(Encoding.UTF8.GetString(piece));
            }

            if (semi < 0)
            {
                break;
            }

            pos += semi + 1;
        }

        if (request.ReceivedOverride is not null)
        {
            sb.Append(";received=").Append(request.ReceivedOverride);
        }

        if (request.RportOverride is { } port)
        {
            sb.Append(";rport=").Append(port.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}

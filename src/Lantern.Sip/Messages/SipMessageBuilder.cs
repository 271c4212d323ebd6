using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Builds a request or response to serialize with <see cref="SipMessageWriter"/>. Content-Length is always written
/// by the writer from the body; one set here is ignored.</summary>
public sealed class SipMessageBuilder
{
    // A NOTIFY has 11 headers; a response Via, From, To, Call-ID, CSeq and a few the handler adds.
    private const int RequestHeaders = 12;
    private const int ResponseHeaders = 8;

    // One table of headers in write order. A value is either a string given by the caller or UTF-8 bytes the builder wrote into
    // _raw itself (copied from a request, or assembled from parts): no per-header strings on the response and NOTIFY paths.
    private Entry[] _entries;
    private int _count;
    private byte[] _raw = [];
    private int _rawLength;
    // Pooled: the header table and bytes are rented and go back at ReturnBuffers (a server transaction's response, once
    // serialized); afterwards the builder is spent and every use throws instead of reading reused buffers.
    private readonly bool _pooled;
    private bool _spent;

    private SipMessageBuilder(bool isRequest, string method, string requestUri, int statusCode, string reasonPhrase, bool pooled = false)
    {
        IsRequest = isRequest;
        MethodText = method;
        RequestUri = requestUri;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        _pooled = pooled;
        _entries = pooled ? ArrayPool<Entry>.Shared.Rent(ResponseHeaders) : new Entry[isRequest ? RequestHeaders : ResponseHeaders];
    }

    public bool IsRequest { get; }

    public string MethodText { get; }

    public SipMethod Method => SipMethods.Parse(MethodText);

    public string RequestUri { get; set; }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>Headers in write order as (name, value); made on each call.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers
    {
        get
        {
            ObjectDisposedException.ThrowIf(_spent, this);
            var list = new List<KeyValuePair<string, string>>(_count);
            for (var i = 0; i < _count; i++)
            {
                list.Add(new(_entries[i].Name, ValueText(i)));
            }

            return list;
        }
    }

    internal int HeaderCount
    {
        get
        {
            ObjectDisposedException.ThrowIf(_spent, this);
            return _count;
        }
    }

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
    /// status is above 100), Call-ID and CSeq. The values are copied as bytes from the request.</summary>
    public static SipMessageBuilder ResponseTo(SipMessage request, int statusCode, string? reasonPhrase = null, string? toTag = null) =>
        ResponseTo(request, statusCode, reasonPhrase, toTag, pooled: false);

    /// <summary>As <see cref="ResponseTo(SipMessage, int, string?, string?)"/>; with <paramref name="pooled"/> its buffers are rented
    /// and go back at <see cref="ReturnBuffers"/>, after which the builder throws on every use.</summary>
    internal static SipMessageBuilder ResponseTo(SipMessage request, int statusCode, string? reasonPhrase, string? toTag, bool pooled)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        var b = new SipMessageBuilder(false, string.Empty, string.Empty, statusCode, reasonPhrase ?? SipReasonPhrases.For(statusCode), pooled);
        var span = request.Span;
        b.Reserve(CopiedBytes(request) + 96 + (toTag?.Length ?? 0));
        var index = -1;
        var pos = 0;
        var first = true;
        while (request.NextItem(SipHeaderId.Via, ref index, ref pos, out var range))
        {
            var start = b._rawLength;
            if (first)
            {
                b.TopViaForResponse(request);
                first = false;
            }
            else
            {
                b.Put(range.Of(span));
            }

            b.AppendRaw(SipHeaderId.Via, "Via", start);
        }

        // A request answered statelessly for a missing or malformed From/To/Call-ID (RFC 4475 §3.3.1) gets back what it
        // had, as written, and nothing for what it lacked.
        b.CopyFirst(request, SipHeaderId.From, request.FromIndex);
        var toIndex = request.ToIndex >= 0 ? request.ToIndex : request.IndexOf(SipHeaderId.To, 0);
        if (toIndex >= 0 && !request.HeaderTable[toIndex].Value.IsEmpty)
        {
            var start = b._rawLength;
            b.Put(request.HeaderTable[toIndex].Value.Of(span));
            if (request.ToIndex >= 0 && toTag is not null && statusCode > 100 && request.ToTag is null)
            {
                CheckValue(toTag);
                b.Put(";tag="u8);
                b.Put(toTag);
            }

            b.AppendRaw(SipHeaderId.To, "To", start);
        }

        if (request.CallIdRange.IsEmpty)
        {
            b.CopyFirst(request, SipHeaderId.CallId, -1);
        }
        else
        {
            var start = b._rawLength;
            b.Put(request.CallIdRange.Of(span));
            b.AppendRaw(SipHeaderId.CallId, "Call-ID", start);
        }

        var cseq = b._rawLength;
        if (request.CSeqIndex >= 0)
        {
            b.Put(request.HeaderTable[request.CSeqIndex].Value.Of(span));
        }

        b.AppendRaw(SipHeaderId.CSeq, "CSeq", cseq);
        return b;
    }

    public SipMessageBuilder AddHeader(SipHeaderId id, string value)
    {
        var name = SipHeaderNames.ToName(id);
        ArgumentException.ThrowIfNullOrEmpty(name, nameof(id));
        CheckValue(value);
        if (id != SipHeaderId.ContentLength)
        {
            Insert(_count, new Entry(id, name, value, 0, 0));
        }

        return this;
    }

    /// <summary>Adds a header whose value is the concatenation of the parts, written as UTF-8 without making the string.</summary>
    public SipMessageBuilder AddHeader(SipHeaderId id, string part1, string part2, string? part3 = null, string? part4 = null)
    {
        var name = SipHeaderNames.ToName(id);
        ArgumentException.ThrowIfNullOrEmpty(name, nameof(id));
        CheckValue(part1);
        CheckValue(part2);
        CheckValue(part3 ?? string.Empty);
        CheckValue(part4 ?? string.Empty);
        if (id == SipHeaderId.ContentLength)
        {
            return this;
        }

        var start = _rawLength;
        Put(part1);
        Put(part2);
        Put(part3 ?? string.Empty);
        Put(part4 ?? string.Empty);
        AppendRaw(id, name, start);
        return this;
    }

    /// <summary>Adds <c>CSeq: number METHOD</c>.</summary>
    public SipMessageBuilder AddCSeq(long number, SipMethod method)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        var text = SipMethods.ToText(method);
        Reserve(21 + text.Length);
        var start = _rawLength;
        Utf8Formatter.TryFormat(number, _raw.AsSpan(_rawLength), out var written);
        _rawLength += written;
        Put(" "u8);
        Put(text);
        AppendRaw(SipHeaderId.CSeq, "CSeq", start);
        return this;
    }

    public SipMessageBuilder AddHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        CheckValue(value);
        var id = SipHeaderNames.Lookup(name);
        if (id != SipHeaderId.ContentLength)
        {
            Insert(_count, new Entry(id, name, value, 0, 0));
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
            Insert(0, new Entry(id, name, value, 0, 0));
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
        ObjectDisposedException.ThrowIf(_spent, this);
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Id != id)
            {
                _entries[kept++] = _entries[i];
            }
        }

        Array.Clear(_entries, kept, _count - kept);
        _count = kept;
        return this;
    }

    /// <summary>The first value of a header, or null.</summary>
    public string? GetHeader(SipHeaderId id)
    {
        var i = IndexOf(id);
        return i < 0 ? null : ValueText(i);
    }

    /// <summary>Whether a header with this id is there (no string made).</summary>
    public bool HasHeader(SipHeaderId id) => IndexOf(id) >= 0;

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

    internal string HeaderName(int index) => _entries[index].Name;

    /// <summary>Gives a pooled builder's buffers back (no-op for others); the builder is spent afterwards. Called once its
    /// message has been serialized by the one who owns it.</summary>
    internal void ReturnBuffers()
    {
        if (!_pooled || _spent)
        {
            return;
        }

        _spent = true;
        // The table holds strings: cleared so that the pool does not keep them alive.
        Array.Clear(_entries, 0, _count);
        ArrayPool<Entry>.Shared.Return(_entries);
        if (_raw.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_raw);
        }

        _entries = [];
        _raw = [];
        _count = 0;
        _rawLength = 0;
    }

    /// <summary>Index of the first header with this id, or -1.</summary>
    internal int IndexOf(SipHeaderId id)
    {
        ObjectDisposedException.ThrowIf(_spent, this);
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    internal int ValueByteCount(int index)
    {
        ref readonly var e = ref _entries[index];
        return e.Value is { } text ? Encoding.UTF8.GetByteCount(text) : e.RawLength;
    }

    internal int WriteValue(int index, Span<byte> destination)
    {
        ref readonly var e = ref _entries[index];
        if (e.Value is { } text)
        {
            return Encoding.UTF8.GetBytes(text, destination);
        }

        _raw.AsSpan(e.RawStart, e.RawLength).CopyTo(destination);
        return e.RawLength;
    }

    /// <summary>Puts the stack's top Via (transport, address, port, branch, <c>rport</c>) in front of all headers, written as bytes.</summary>
    internal void PrependVia(string transport, System.Net.IPEndPoint local, string branch)
    {
        var start = PutViaHead(transport, local, branch.Length);
        Put(branch);
        Put(";rport"u8);
        Insert(0, new Entry(SipHeaderId.Via, "Via", null, start, _rawLength - start));
    }

    /// <summary>As <see cref="PrependVia(string, System.Net.IPEndPoint, string)"/> with the branch the magic cookie plus the
    /// 16 bytes of <paramref name="branch"/> (little-endian) in lower-case hex, written without a string.</summary>
    internal void PrependVia(string transport, System.Net.IPEndPoint local, UInt128 branch)
    {
        var start = PutViaHead(transport, local, SipIdentifiers.BranchCookie.Length + 32);
        Put(SipIdentifiers.BranchCookie);
        Span<byte> bits = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(bits, branch);
        Convert.TryToHexStringLower(bits, _raw.AsSpan(_rawLength, 32), out var written);
        _rawLength += written;
        Put(";rport"u8);
        Insert(0, new Entry(SipHeaderId.Via, "Via", null, start, _rawLength - start));
    }

    private int PutViaHead(string transport, System.Net.IPEndPoint local, int branchLength)
    {
        Reserve(transport.Length + branchLength + 80);
        var start = _rawLength;
        Put("SIP/2.0/"u8);
        Put(transport);
        Put(" "u8);
        var v6 = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (v6)
        {
            Put("["u8);
        }

        local.Address.TryFormat(_raw.AsSpan(_rawLength), out int written);
        _rawLength += written;
        Put(v6 ? "]:"u8 : ":"u8);
        Utf8Formatter.TryFormat(local.Port, _raw.AsSpan(_rawLength), out written);
        _rawLength += written;
        Put(";branch="u8);
        return start;
    }

    private string ValueText(int index)
    {
        ref readonly var e = ref _entries[index];
        return e.Value ?? Encoding.UTF8.GetString(_raw, e.RawStart, e.RawLength);
    }

    private void CopyFirst(SipMessage request, SipHeaderId id, int index)
    {
        if (index < 0)
        {
            index = request.IndexOf(id, 0);
        }

        if (index < 0 || request.HeaderTable[index].Value.IsEmpty)
        {
            return;
        }

        var start = _rawLength;
        Put(request.HeaderTable[index].Value.Of(request.Span));
        AppendRaw(id, SipHeaderNames.ToName(id)!, start);
    }

    /// <summary>Bytes the Via, From, To, Call-ID and CSeq values of <paramref name="request"/> take: the raw buffer a response needs.</summary>
    private static int CopiedBytes(SipMessage request)
    {
        var n = 0;
        for (var i = 0; i < request.HeaderTableCount; i++)
        {
            if (request.HeaderTable[i].Id is SipHeaderId.Via or SipHeaderId.From or SipHeaderId.To or SipHeaderId.CallId or SipHeaderId.CSeq)
            {
                n += request.HeaderTable[i].Value.Length;
            }
        }

        return n;
    }

    private static void CheckValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("Header values must not contain line breaks.", nameof(value));
        }
    }

    private void Insert(int at, Entry entry)
    {
        ObjectDisposedException.ThrowIf(_spent, this);
        if (_count == _entries.Length)
        {
            if (_pooled)
            {
                var larger = ArrayPool<Entry>.Shared.Rent(_entries.Length * 2);
                Array.Copy(_entries, larger, _count);
                Array.Clear(_entries, 0, _count);
                ArrayPool<Entry>.Shared.Return(_entries);
                _entries = larger;
            }
            else
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }
        }

        Array.Copy(_entries, at, _entries, at + 1, _count - at);
        _entries[at] = entry;
        _count++;
    }

    private void AppendRaw(SipHeaderId id, string name, int start) => Insert(_count, new Entry(id, name, null, start, _rawLength - start));

    /// <summary>Makes room for <paramref name="bytes"/> more raw bytes (callers reserve an upper bound before writing).</summary>
    private void Reserve(int bytes)
    {
        ObjectDisposedException.ThrowIf(_spent, this);
        if (_raw.Length - _rawLength < bytes)
        {
            // A NOTIFY's own values (From, To, CSeq, Via) fit in the first 256 bytes.
            var size = Math.Max(Math.Max(_raw.Length * 2, 256), _rawLength + bytes);
            if (_pooled)
            {
                var larger = ArrayPool<byte>.Shared.Rent(size);
                _raw.AsSpan(0, _rawLength).CopyTo(larger);
                if (_raw.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_raw);
                }

                _raw = larger;
            }
            else
            {
                Array.Resize(ref _raw, size);
            }
        }
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_raw.AsSpan(_rawLength));
        _rawLength += bytes.Length;
    }

    private void Put(string text)
    {
        Reserve(Encoding.UTF8.GetByteCount(text));
        _rawLength += Encoding.UTF8.GetBytes(text, _raw.AsSpan(_rawLength));
    }

    /// <summary>The request's top Via with <c>received</c>/<c>rport</c> as recorded by <see cref="SipMessage.ApplyReceived"/>.</summary>
    private void TopViaForResponse(SipMessage request)
    {
        var r = request.TopViaRanges;
        var span = request.Span;
        var received = request.ReceivedAddress;
        if (received is null && request.RportOverride is null)
        {
            Put(r.Entry.Of(span));
            return;
        }

        var head = r.Parameters.IsEmpty ? r.Entry : new ByteRange(r.Entry.Start, r.Parameters.Start - r.Entry.Start);
        Put(SipSyntax.Trim(head.Of(span)));
        var ps = r.Parameters.Of(span);
        var pos = 0;
        while (pos < ps.Length)
        {
            var rest = ps[pos..];
            var semi = SipSyntax.IndexOfOutside(rest, (byte)';');
            var piece = SipSyntax.Trim(semi < 0 ? rest : rest[..semi]);
            var eq = piece.IndexOf((byte)'=');
            var name = SipSyntax.Trim(eq < 0 ? piece : piece[..eq]);
            var replaced = (received is not null && Ascii.EqualsIgnoreCase(name, "received"u8))
                || (request.RportOverride is not null && Ascii.EqualsIgnoreCase(name, "rport"u8));
            if (!piece.IsEmpty && !replaced)
            {
                Put(";"u8);
                Put(piece);
            }

            if (semi < 0)
            {
                break;
            }

            pos += semi + 1;
        }

        if (received is not null)
        {
            Put(";received="u8);
            Reserve(64);
            received.TryFormat(_raw.AsSpan(_rawLength), out int written);
            _rawLength += written;
        }

        if (request.RportOverride is { } port)
        {
            Put(";rport="u8);
            Reserve(11);
            Utf8Formatter.TryFormat(port, _raw.AsSpan(_rawLength), out var written);
            _rawLength += written;
        }
    }

    /// <summary>One header: its value is <see cref="Value"/> when given as a string, else <see cref="RawLength"/> bytes of _raw.</summary>
    private readonly record struct Entry(SipHeaderId Id, string Name, string? Value, int RawStart, int RawLength);
}

using System.Buffers;
using System.Net;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>A parsed SIP request or response. Owns one pooled copy of the wire bytes and a header table of ranges into it;
/// strings are made only for values asked for. Dispose returns the buffers to the pool (optional: an undisposed message is simply collected).</summary>
public sealed partial class SipMessage : IDisposable
{
    internal byte[] BufferArray = [];
    internal int BufferLength;
    internal SipHeaderEntry[] HeaderTable = [];
    internal int HeaderTableCount;
    internal bool IsRequestMessage;
    internal SipMethod MethodValue;
    internal ByteRange MethodRange;
    internal ByteRange UriRange;
    internal ByteRange ReasonRange;
    internal int Status;
    internal ViaRanges TopViaRanges;
    internal int ViaEntryCount;
    internal int FromIndex = -1;
    internal int ToIndex = -1;
    internal int CSeqIndex = -1;
    internal ByteRange FromTagRange;
    internal ByteRange ToTagRange;
    internal ByteRange CallIdRange;
    internal long CSeqNumber;
    internal SipMethod CSeqMethodValue;
    internal ByteRange CSeqMethodRange;
    internal int MaxForwardsValue = -1;
    internal long ContentLengthValue = -1;
    internal ByteRange BodyRange;
    internal bool Essentials;
    internal bool TopViaUsable;

    private readonly SipMessagePool? _home;
    private byte[]? _ownBuffer;
    private SipHeaderEntry[]? _ownTable;
    private bool _pooled;
    private bool _sharedBuffer;
    // 1 once disposed; set atomically so that two racing Dispose calls cannot put the instance into the pool twice.
    private int _disposed;
    private string? _methodText;
    private string? _callId;
    private string? _fromTag;
    private string? _toTag;
    private string? _branch;
    private string? _reason;
    private string? _cseqMethod;
    private SipUri? _requestUri;
    private bool _requestUriParsed;

    internal SipMessage()
    {
    }

    internal SipMessage(SipMessagePool home)
    {
        _home = home;
    }

    internal ReadOnlySpan<byte> Span
    {
        get
        {
            if (_disposed != 0)
            {
                ThrowDisposed();
            }

            return BufferArray.AsSpan(0, BufferLength);
        }
    }

    /// <summary>False once disposed (until a pool hands the instance out again as another message).</summary>
    public bool IsLive => _disposed == 0;

    public bool IsRequest => IsRequestMessage;

    public bool IsResponse => !IsRequestMessage;

    /// <summary>True when the top Via, From, To, Call-ID and CSeq are usable, i.e. a response can be built even if validation failed.</summary>
    public bool CanBuildResponse => Essentials;

    /// <summary>True when at least the top Via and a CSeq are there: enough for a stateless 400 the client can match to its
    /// transaction, even without From, To or Call-ID (RFC 4475 §3.3.1).</summary>
    public bool CanAnswerStatelessly => TopViaUsable && CSeqIndex >= 0;

    /// <summary>The request method; for a response, the CSeq method.</summary>
    public SipMethod Method => IsRequestMessage ? MethodValue : CSeqMethodValue;

    /// <summary>The method as written (for unknown methods too); for a response, the CSeq method.</summary>
    public string MethodText => IsRequestMessage
        ? _methodText ??= (MethodValue != SipMethod.Unknown ? SipMethods.ToText(MethodValue) : Encoding.ASCII.GetString(MethodRange.Of(Span)))
        : CSeq.MethodText;

    public ReadOnlySpan<byte> RequestUriBytes => UriRange.Of(Span);

    public string RequestUriText => Encoding.UTF8.GetString(UriRange.Of(Span));

    /// <summary>The parsed Request-URI; null for responses or when it does not parse.</summary>
    public SipUri? RequestUri
    {
        get
        {
            if (!_requestUriParsed && IsRequestMessage)
            {
                _ = SipUri.TryParse(UriRange.Of(Span), out _requestUri);
                _requestUriParsed = true;
            }

            return _requestUri;
        }
    }

    public int StatusCode => Status;

    public string ReasonPhrase => _reason ??= Encoding.UTF8.GetString(ReasonRange.Of(Span));

    public ReadOnlyMemory<byte> Body => Live.AsMemory(BodyRange.Start, BodyRange.Length);

    /// <summary>The whole message as received (after leading CRLFs), with folded lines unfolded to spaces.</summary>
    public ReadOnlyMemory<byte> Raw => Live.AsMemory(0, BufferLength);

    private byte[] Live
    {
        get
        {
            if (_disposed != 0)
            {
                ThrowDisposed();
            }

            return BufferArray;
        }
    }

    public string CallId => _callId ??= Encoding.UTF8.GetString(CallIdRange.Of(Span));

    public ReadOnlySpan<byte> CallIdBytes => CallIdRange.Of(Span);

    public string? FromTag => FromTagRange.IsEmpty ? null : _fromTag ??= Encoding.UTF8.GetString(FromTagRange.Of(Span));

    public string? ToTag => ToTagRange.IsEmpty ? null : _toTag ??= Encoding.UTF8.GetString(ToTagRange.Of(Span));

    public ReadOnlySpan<byte> FromTagBytes => FromTagRange.Of(Span);

    public CSeq CSeq => new(CSeqNumber, CSeqMethodValue,
        _cseqMethod ??= CSeqMethodValue != SipMethod.Unknown ? SipMethods.ToText(CSeqMethodValue) : Encoding.ASCII.GetString(CSeqMethodRange.Of(Span)));

    /// <summary>Max-Forwards, or null when absent.</summary>
    public int? MaxForwards => MaxForwardsValue < 0 ? null : MaxForwardsValue;

    /// <summary>Content-Length as declared, or null when absent.</summary>
    public long? ContentLength => ContentLengthValue < 0 ? null : ContentLengthValue;

    /// <summary>The top Via's branch parameter (validated present at intake).</summary>
    public string TopViaBranch => _branch ??= Encoding.UTF8.GetString(TopViaRanges.Branch.Of(Span));

    public ReadOnlySpan<byte> TopViaBranchBytes => TopViaRanges.Branch.Of(Span);

    public string TopViaTransport => Encoding.ASCII.GetString(TopViaRanges.Transport.Of(Span)).ToUpperInvariant();

    public string TopViaHost => Encoding.ASCII.GetString(TopViaRanges.Host.Of(Span));

    /// <summary>The top Via sent-by port, 0 when absent.</summary>
    public int TopViaPort => TopViaRanges.Port;

    /// <summary>The top Via <c>received</c>: the one Lantern added (<see cref="ApplyReceived"/>) or the one on the wire.</summary>
    public string? TopViaReceived => ReceivedOverride ?? (TopViaRanges.Received.IsEmpty ? null : Encoding.ASCII.GetString(TopViaRanges.Received.Of(Span)));

    public bool TopViaHasRport => TopViaRanges.HasRport;

    /// <summary>The top Via <c>rport</c> value (filled by <see cref="ApplyReceived"/>), 0 when none.</summary>
    public int TopViaRport => RportOverride ?? TopViaRanges.Rport;

    /// <summary>Number of Via entries across all Via headers.</summary>
    public int ViaCount => ViaEntryCount;

    /// <summary>The source address when it goes into the top Via as <c>received</c> (see <see cref="ApplyReceived"/>).</summary>
    internal IPAddress? ReceivedAddress { get; private set; }

    internal string? ReceivedOverride => ReceivedAddress?.ToString();

    internal int? RportOverride { get; private set; }

    /// <summary>RFC 3261 §18.2.1 / RFC 3581 §4: records the source address as <c>received</c> and, when the client asked with an empty
    /// <c>rport</c>, the source port as <c>rport</c>. Responses built from this request carry them in the top Via.</summary>
    public void ApplyReceived(IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        // Compared as UTF-8 against the sent-by host: no strings per request.
        Span<byte> text = stackalloc byte[64];
        if (TopViaRanges.HasRport || !address.TryFormat(text, out var written)
            || !Ascii.EqualsIgnoreCase(text[..written], TopViaRanges.Host.Of(Span)))
        {
            ReceivedAddress = address;
        }

        if (TopViaRanges.HasRport)
        {
            RportOverride = source.Port;
        }
    }

    /// <summary>Gives the buffers back (to the stack's <see cref="SipMessagePool"/> with the instance itself, or to the shared
    /// array pool). Reading the message afterwards throws <see cref="ObjectDisposedException"/>; a second Dispose does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_home is { } home)
        {
            if (_sharedBuffer)
            {
                ArrayPool<byte>.Shared.Return(BufferArray);
                _sharedBuffer = false;
            }

            Reset();
            home.Return(this);
            return;
        }

        if (_pooled)
        {
            _pooled = false;
            var buffer = BufferArray;
            var table = HeaderTable;
            BufferArray = [];
            BufferLength = 0;
            HeaderTable = [];
            HeaderTableCount = 0;
            BodyRange = default;
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<SipHeaderEntry>.Shared.Return(table);
        }
    }

    /// <summary>Takes a private copy of <paramref name="data"/>: into this instance's own buffer when it came from a pool and the
    /// data fits, else into arrays from the shared pool.</summary>
    internal void Load(ReadOnlySpan<byte> data, int maxHeaders)
    {
        _disposed = 0;
        if (_home is null)
        {
            Attach(ArrayPool<byte>.Shared.Rent(data.Length), data.Length, ArrayPool<SipHeaderEntry>.Shared.Rent(maxHeaders), pooled: true);
        }
        else
        {
            byte[] buffer;
            if (data.Length <= SipMessagePool.BufferBytes)
            {
                buffer = _ownBuffer ??= new byte[SipMessagePool.BufferBytes];
            }
            else
            {
                buffer = ArrayPool<byte>.Shared.Rent(data.Length);
                _sharedBuffer = true;
            }

            if (_ownTable is null || _ownTable.Length < maxHeaders)
            {
                _ownTable = new SipHeaderEntry[maxHeaders];
            }

            BufferArray = buffer;
            BufferLength = data.Length;
            HeaderTable = _ownTable;
        }

        data.CopyTo(BufferArray);
    }

    internal void Attach(byte[] buffer, int length, SipHeaderEntry[] table, bool pooled)
    {
        BufferArray = buffer;
        BufferLength = length;
        HeaderTable = table;
        _pooled = pooled;
    }

    /// <summary>Back to the state of a new instance (keeping the own buffer and table), so nothing of this message shows in the next.</summary>
    private void Reset()
    {
        BufferArray = [];
        BufferLength = 0;
        HeaderTable = [];
        HeaderTableCount = 0;
        IsRequestMessage = false;
        MethodValue = default;
        MethodRange = default;
        UriRange = default;
        ReasonRange = default;
        Status = 0;
        TopViaRanges = default;
        ViaEntryCount = 0;
        FromIndex = -1;
        ToIndex = -1;
        CSeqIndex = -1;
        FromTagRange = default;
        ToTagRange = default;
        CallIdRange = default;
        CSeqNumber = 0;
        CSeqMethodValue = default;
        CSeqMethodRange = default;
        MaxForwardsValue = -1;
        ContentLengthValue = -1;
        BodyRange = default;
        Essentials = false;
        TopViaUsable = false;
        _methodText = null;
        _callId = null;
        _fromTag = null;
        _toTag = null;
        _branch = null;
        _reason = null;
        _cseqMethod = null;
        _requestUri = null;
        _requestUriParsed = false;
        ReceivedAddress = null;
        RportOverride = null;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(SipMessage), "The message was disposed: its buffers may already hold another message.");

    public override string ToString() => Encoding.UTF8.GetString(Span);
}

using System.Threading.Channels;
using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Transport;

/// <summary>Records what a transport hands up; optional hooks echo, throw or answer framing errors.</summary>
internal sealed class RecordingReceiver : ISipMessageReceiver, ISipFramingErrorSink
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Channel<(string Text, SipSource Source)> _messages = Channel.CreateUnbounded<(string, SipSource)>();
    private readonly Channel<long> _closed = Channel.CreateUnbounded<long>();
    private readonly Channel<(SipFramerError Error, string Headers, SipSource Source)> _errors = Channel.CreateUnbounded<(SipFramerError, string, SipSource)>();

    public Action<byte[], SipSource>? OnReceived { get; set; }

    public Func<SipFramerError, SipSource, ValueTask>? OnFramingError { get; set; }

    public void OnMessage(ReadOnlySpan<byte> message, in SipSource source)
    {
        var copy = message.ToArray();
        _messages.Writer.TryWrite((System.Text.Encoding.ASCII.GetString(copy), source));
        OnReceived?.Invoke(copy, source);
    }

    public void OnConnectionClosed(long connectionId) => _closed.Writer.TryWrite(connectionId);

    public async ValueTask OnFramingErrorAsync(SipFramerError error, ReadOnlyMemory<byte> headerBytes, SipSource source, CancellationToken cancellationToken)
    {
        _errors.Writer.TryWrite((error, System.Text.Encoding.ASCII.GetString(headerBytes.Span), source));
        if (OnFramingError is not null)
        {
            await OnFramingError(error, source);
        }
    }

    public async Task<(string Text, SipSource Source)> NextAsync() => await _messages.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    /// <summary>Skips messages until one contains <paramref name="marker"/>.</summary>
    public async Task<(string Text, SipSource Source)> NextContainingAsync(string marker)
    {
        using var cts = new CancellationTokenSource(Deadline);
        while (true)
        {
            var next = await _messages.Reader.ReadAsync(cts.Token);
            if (next.Text.Contains(marker, StringComparison.Ordinal))
            {
                return next;
            }
        }
    }

    public async Task<long> ClosedAsync() => await _closed.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    public async Task<(SipFramerError Error, string Headers, SipSource Source)> FramingErrorAsync() =>
        await _errors.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    public bool TryGetClosed(out long connectionId) => _closed.Reader.TryRead(out connectionId);
}

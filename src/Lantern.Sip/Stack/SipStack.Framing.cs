using System.Buffers;
using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Stack;

/// <summary>Answers streams that cannot be framed (missing Content-Length, oversized header section, body or message) with
/// 400/413/513 over the same connection, when the header bytes carry what a response needs.</summary>
public sealed partial class SipStack : ISipFramingErrorSink
{
    private const int MaxFramingHeaderBytes = 64 * 1024;

    /// <summary>Never throws; sends nothing when the bytes are not an answerable request (the transport closes the connection anyway).</summary>
    public async ValueTask OnFramingErrorAsync(SipFramerError error, ReadOnlyMemory<byte> headerBytes, SipSource source, CancellationToken cancellationToken)
    {
        if (error == SipFramerError.None || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        byte[]? response = null;
        try
        {
            response = BuildFramingResponse(error, headerBytes.Span, source);
        }
#pragma warning disable CA1031 // Whatever a peer sends must not throw into the transport.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SipStackLog.ReceiveFailed(_logger, ex);
        }

        if (response is null)
        {
            Interlocked.Increment(ref _dropped);
            _dropLog.Dropped(source.Remote, "a stream", error.ReasonPhrase() + ", and no request a response can be built for; the connection is closed");
            return;
        }

        try
        {
            await _transport.SendAsync(response, new SipDestination(source.Transport, source.Remote, source.ConnectionId), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The transport closes the connection on its own deadline.
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SipStackLog.ReceiveFailed(_logger, ex);
        }
    }

    /// <summary>The response bytes, or null when <paramref name="headers"/> is no request a response can be built for.</summary>
    private byte[]? BuildFramingResponse(SipFramerError error, ReadOnlySpan<byte> headers, in SipSource source)
    {
        if (headers.Length > MaxFramingHeaderBytes)
        {
            headers = headers[..MaxFramingHeaderBytes];
        }

        // An oversized header section arrives cut anywhere: keep its complete lines and close it so the parser can read them.
        var end = headers.IndexOf("\r\n\r\n"u8);
        int length;
        byte[] rented;
        if (end >= 0)
        {
            length = end + 4;
            rented = ArrayPool<byte>.Shared.Rent(length);
            headers[..length].CopyTo(rented);
        }
        else
        {
            var lastLine = headers.LastIndexOf("\r\n"u8);
            if (lastLine < 0)
            {
                return null;
            }

            length = lastLine + 4;
            rented = ArrayPool<byte>.Shared.Rent(length);
            headers[..(lastLine + 2)].CopyTo(rented);
            rented[lastLine + 2] = (byte)'\r';
            rented[lastLine + 3] = (byte)'\n';
        }

        try
        {
            // The sizes were already judged by the framer: parse what is there for the essentials only.
            var limits = _options.Limits with
            {
                MaxHeaderSectionBytes = Math.Max(_options.Limits.MaxHeaderSectionBytes, length),
                MaxMessageBytes = Math.Max(_options.Limits.MaxMessageBytes, length),
            };
            SipMessageParser.TryParse(rented.AsSpan(0, length), limits, out var request, out _);
            using (request)
            {
                if (request is null || request.IsResponse || !request.CanBuildResponse || request.Method == SipMethod.Ack)
                {
                    return null;
                }

                request.ApplyReceived(source.Remote);
                var response = SipMessageBuilder.ResponseTo(request, error.StatusCode(), error.ReasonPhrase(), SipIdentifiers.NewTag());
                Interlocked.Increment(ref _rejected);
                SipStackLog.Rejected(_logger, request.MethodText, source.Remote, response.StatusCode, response.ReasonPhrase);
                return response.ToArray();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

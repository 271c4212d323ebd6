using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Lantern.Ami;

/// <summary>The output side: the writer loop draining the bounded queue, and the graceful close.</summary>
internal sealed partial class AmiSession
{
    private async Task WriteLoopAsync(CancellationToken ct)
    {
        var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                while (reader.TryRead(out var packet))
                {
                    output.Write(packet);
                    if (output.UnflushedBytes >= 64 * 1024)
                    {
                        await output.FlushAsync(ct);
                    }
                }

                await output.FlushAsync(ct);
            }

            await output.CompleteAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            Abort(_abortReason ?? "write failed");
        }
        catch (Exception ex)
        {
            AmiLog.SessionFailed(_ctx.Logger, Id, ex);
            Abort("internal error while writing");
        }
    }

    /// <summary>Queues an answer to this session's own action; waits (stalling only this session) while its queue is full.</summary>
    private ValueTask SendAsync(byte[] packet, CancellationToken ct) => _outbound.Writer.WriteAsync(packet, ct);

    /// <summary>Half-closes and discards what the client still sends, so the last answer is not lost to a reset.</summary>
    private async Task LingerAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _ctx.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _cts.Token);
            var total = 0;
            while (total < 256 * 1024)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

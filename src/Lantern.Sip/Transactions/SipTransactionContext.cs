using Lantern.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Transactions;

/// <summary>What every transaction shares: the transport, the timer service, the timer values and the logger.</summary>
internal sealed class SipTransactionContext(ISipTransportLayer transport, SipTimerService timers, SipTransactionTimers values, ILogger logger)
{
    public ISipTransportLayer Transport { get; } = transport;

    public SipTimerService Timers { get; } = timers;

    public SipTransactionTimers Values { get; } = values;

    public ILogger Logger { get; } = logger;

    private long _clientFailures;

    /// <summary>Sent requests that ended without a final response (timeout, transport error, overload, stop).</summary>
    public long ClientFailures => Interlocked.Read(ref _clientFailures);

    public void CountClientFailure() => Interlocked.Increment(ref _clientFailures);

    public static bool IsReliable(SipTransportKind kind) => kind != SipTransportKind.Udp;

    /// <summary>Sends without holding the shard across I/O: a synchronous result is handled inline, an asynchronous one is
    /// posted back to the shard as a new event. <paramref name="onResult"/> gets <paramref name="state"/>, so callers pass a
    /// static delegate and allocate nothing per send.</summary>
    public void Send(SipTransactionShard shard, ReadOnlyMemory<byte> bytes, SipDestination destination, Action<object, SipSendResult>? onResult,
        object? state)
    {
        ValueTask<SipSendResult> pending;
        try
        {
            pending = Transport.SendAsync(bytes, destination, CancellationToken.None);
        }
#pragma warning disable CA1031 // The contract says transports return failures; a throwing one is treated the same way.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onResult?.Invoke(state!, SipSendResult.Failed(ex.Message));
            return;
        }

        if (pending.IsCompleted)
        {
            SipSendResult result;
            try
            {
                result = pending.GetAwaiter().GetResult();
            }
#pragma warning disable CA1031
            catch (Exception ex)
#pragma warning restore CA1031
            {
                result = SipSendResult.Failed(ex.Message);
            }

            onResult?.Invoke(state!, result);
            return;
        }

        _ = CompleteLaterAsync(shard, pending, onResult, state);
    }

    /// <summary>Schedules a timer whose firing is an event on the shard.</summary>
    public SipScheduledTimer Schedule(SipTransactionShard shard, TimeSpan delay, Action onShard) =>
        Timers.Schedule(delay, onShard, shard.Executor);

    private static async Task CompleteLaterAsync(SipTransactionShard shard, ValueTask<SipSendResult> pending, Action<object, SipSendResult>? onResult,
        object? state)
    {
        SipSendResult result;
        try
        {
            result = await pending;
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            result = SipSendResult.Failed(ex.Message);
        }

        if (onResult is not null)
        {
            shard.Executor.TryPost(() => onResult(state!, result));
        }
    }
}

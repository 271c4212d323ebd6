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
        if (Begin(shard, bytes, destination, onResult, state) is { } result)
        {
            onResult?.Invoke(state!, result);
        }
    }

    /// <summary>Sends; returns the result when the transport gave it at once (the usual case for UDP), null when it completes
    /// later (then a failure is only logged).</summary>
    public SipSendResult? SendNow(SipTransactionShard shard, ReadOnlyMemory<byte> bytes, SipDestination destination) =>
        Begin(shard, bytes, destination, static (s, r) =>
        {
            if (!r.Succeeded)
            {
                SipTransactionLog.ResponseSendFailed((ILogger)s, r.Error);
            }
        }, Logger);

    private SipSendResult? Begin(SipTransactionShard shard, ReadOnlyMemory<byte> bytes, SipDestination destination, Action<object, SipSendResult>? onResult,
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
            return SipSendResult.Failed(ex.Message);
        }

        if (pending.IsCompleted)
        {
            try
            {
                return pending.GetAwaiter().GetResult();
            }
#pragma warning disable CA1031
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return SipSendResult.Failed(ex.Message);
            }
        }

        _ = CompleteLaterAsync(shard, pending, onResult, state);
        return null;
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

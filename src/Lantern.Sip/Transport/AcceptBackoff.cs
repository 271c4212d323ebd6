using System.Net.Sockets;

namespace Lantern.Sip.Transport;

/// <summary>What an accept loop does after a failed accept: at once for a connection reset in the backlog, else wait
/// (10 ms doubling to 1 s) so a process out of descriptors (EMFILE) does not spin and fill the log.</summary>
public sealed class AcceptBackoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private TimeSpan _next = First;

    public AcceptBackoff(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Log = new LogThrottle(time, TimeSpan.FromSeconds(10));
    }

    /// <summary>Decides when failures are logged: once, then at most every 10 s with the count held back.</summary>
    public LogThrottle Log { get; }

    /// <summary>Whether the error is the accepting process's (out of descriptors or memory) rather than one connection's.</summary>
    public static bool IsResourceError(SocketException error) =>
        error.SocketErrorCode is not (SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Interrupted or SocketError.TryAgain);

    /// <summary>Waits as long as the back-off says after a resource error; cancelled by <paramref name="cancellationToken"/> (then returns).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, Longest.Ticks));
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop sees the token and ends.
        }
    }

    /// <summary>Called after a successful accept: the next failure waits the shortest time again.</summary>
    public void Reset() => _next = First;
}

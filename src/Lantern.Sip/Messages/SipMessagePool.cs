namespace Lantern.Sip.Messages;

/// <summary>Recycles received <see cref="SipMessage"/> instances together with their wire buffer and header table, owned by one
/// stack: disposing a message from this pool resets it and puts it back, so a typical datagram costs no allocation. Bounded:
/// beyond <see cref="Capacity"/> idle messages a disposed one is left to the GC.</summary>
/// <remarks>A message must not be touched after its Dispose: its members throw <see cref="ObjectDisposedException"/> until it is
/// handed out again, and then they show another message. Each owner disposes exactly once.</remarks>
public sealed class SipMessagePool
{
    /// <summary>Size of each message's own wire buffer: larger messages borrow from <see cref="System.Buffers.ArrayPool{T}.Shared"/>.</summary>
    public const int BufferBytes = 4096;

    private readonly Lock _gate = new();
    private readonly SipMessage[] _idle;
    private int _count;
    private long _created;

    /// <param name="capacity">Idle messages kept at most (each holds a 4 KiB buffer and a header table).</param>
    public SipMessagePool(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _idle = new SipMessage[capacity];
    }

    public int Capacity => _idle.Length;

    /// <summary>Messages waiting to be reused.</summary>
    public int Idle
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Messages this pool has created: stays flat once the pool covers the messages in flight.</summary>
    public long Created => Interlocked.Read(ref _created);

    internal SipMessage Rent()
    {
        lock (_gate)
        {
            if (_count > 0)
            {
                var message = _idle[--_count];
                _idle[_count] = null!;
                return message;
            }
        }

        Interlocked.Increment(ref _created);
        return new SipMessage(this);
    }

    internal void Return(SipMessage message)
    {
        lock (_gate)
        {
            if (_count < _idle.Length)
            {
                _idle[_count++] = message;
            }
        }
    }
}

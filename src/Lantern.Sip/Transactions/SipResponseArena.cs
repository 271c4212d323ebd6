namespace Lantern.Sip.Transactions;

/// <summary>Holds the final responses of completed UDP server transactions for Timer J (64·T1) in a few reused 64 KiB chunks
/// instead of one array each, so thousands of small arrays a second do not survive into gen2. A chunk counts the responses
/// still held in it and is reused once each has been let go (<see cref="Done"/>). Only touched on its shard.</summary>
internal sealed class SipResponseArena
{
    internal const int ChunkBytes = 64 * 1024;
    private const int KeptFree = 4;

    private readonly Stack<SipResponseChunk> _free = new();
    private SipResponseChunk? _current;
    private int _chunks;

    /// <summary>Chunks allocated and not let go (in use or kept for reuse).</summary>
    public int Chunks => _chunks;

    /// <summary>Copies <paramref name="response"/> into the current chunk; <paramref name="chunk"/> must be passed to
    /// <see cref="Done"/> when the response is no longer needed. Responses over a quarter chunk get an array of their own (null chunk).</summary>
    public ReadOnlyMemory<byte> Keep(ReadOnlyMemory<byte> response, out SipResponseChunk? chunk)
    {
        if (response.Length > ChunkBytes / 4)
        {
            chunk = null;
            return response.ToArray();
        }

        if (_current is null || ChunkBytes - _current.Used < response.Length)
        {
            var full = _current;
            _current = _free.TryPop(out var reused) ? reused : NewChunk();
            _current.Used = 0;
            if (full is not null)
            {
                full.Sealed = true;
                ReleaseIfDone(full);
            }
        }

        chunk = _current;
        var slot = chunk.Bytes.AsMemory(chunk.Used, response.Length);
        response.CopyTo(slot);
        chunk.Used += response.Length;
        chunk.Held++;
        return slot;
    }

    /// <summary>The response kept in <paramref name="chunk"/> is no longer needed (its transaction ended).</summary>
    public void Done(SipResponseChunk? chunk)
    {
        if (chunk is null)
        {
            return;
        }

        chunk.Held--;
        ReleaseIfDone(chunk);
    }

    private SipResponseChunk NewChunk()
    {
        _chunks++;
        return new SipResponseChunk(new byte[ChunkBytes]);
    }

    private void ReleaseIfDone(SipResponseChunk chunk)
    {
        if (!chunk.Sealed || chunk.Held > 0)
        {
            return;
        }

        chunk.Sealed = false;
        if (_free.Count < KeptFree)
        {
            _free.Push(chunk);
        }
        else
        {
            // Beyond a few spare chunks, memory after a burst goes back to the GC.
            _chunks--;
        }
    }
}

using System.Buffers;

namespace Lantern.Sip.Tests.Transport;

/// <summary>Builds multi-segment sequences, the shape a pipe hands over when bytes arrive in pieces.</summary>
internal sealed class ChunkedSequence : ReadOnlySequenceSegment<byte>
{
    private ChunkedSequence(ReadOnlyMemory<byte> memory) => Memory = memory;

    public static ReadOnlySequence<byte> Create(IReadOnlyList<byte[]> chunks)
    {
        if (chunks.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new ChunkedSequence(chunks[0]);
        var last = first;
        for (var i = 1; i < chunks.Count; i++)
        {
            var next = new ChunkedSequence(chunks[i]) { RunningIndex = last.RunningIndex + last.Memory.Length };
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}

using Lantern.Sip.Messages;
using Lantern.Sip.Tests.Stack;
using Lantern.Sip.Transactions;

namespace Lantern.Sip.Tests.Transactions;

public sealed class SipResponseArenaTests
{
    [Fact]
    public void Keep_HeldResponsesStayIntact_FreedChunksAreReusedAndBounded()
    {
        var arena = new SipResponseArena();
        for (var round = 0; round < 20; round++)
        {
            var kept = new List<(ReadOnlyMemory<byte> Slot, SipResponseChunk? Chunk, byte Fill)>();
            for (var i = 0; i < 1_000; i++)
            {
                var fill = (byte)(i + round);
                var slot = arena.Keep(Enumerable.Repeat(fill, 300).ToArray(), out var chunk);
                kept.Add((slot, chunk, fill));
            }

            // 300 KB held: nothing written later may have overwritten an earlier response.
            foreach (var (slot, _, fill) in kept)
            {
                Assert.True(slot.Span.IndexOfAnyExcept(fill) < 0);
            }

            foreach (var (_, chunk, _) in kept)
            {
                arena.Done(chunk);
            }
        }

        // Each round needs 5 chunks; they are reused round after round instead of allocated anew.
        Assert.InRange(arena.Chunks, 5, 6);
    }

    [Fact]
    public void Keep_LargeResponse_CopiedToItsOwnArray()
    {
        var arena = new SipResponseArena();
        var large = new byte[SipResponseArena.ChunkBytes / 2];
        large[^1] = 7;
        var slot = arena.Keep(large, out var chunk);
        Assert.Null(chunk);
        Assert.Equal(0, arena.Chunks);
        // The caller's buffer is rented and goes back to the pool: the response must not live in it.
        large[^1] = 0;
        Assert.Equal(7, slot.Span[^1]);
    }

    /// <summary>Through the stack: once a round of completed transactions has passed Timer J their chunks hold the next round's
    /// responses, and a retransmission in the next round is still answered with its own response.</summary>
    [Fact]
    public void CompletedTransactions_ReuseChunksAfterTimerJ_RetransmissionGetsItsOwnResponse()
    {
        using var h = new SipStackHarness();
        h.Stack.RegisterHandler(SipMethod.Notify, new SipStackHarness.RecordingHandler(200));
        for (var round = 0; round < 3; round++)
        {
            h.Transport.Clear();
            for (var i = 0; i < 400; i++)
            {
                h.Receive(SipStackHarness.Request("NOTIFY", branch: $"z9hG4bK-{round}-{i}", callId: $"call-{round}-{i}"));
            }

            h.Receive(SipStackHarness.Request("NOTIFY", branch: $"z9hG4bK-{round}-7", callId: $"call-{round}-7"));
            var sent = h.Transport.Sent;
            Assert.Equal(401, sent.Count);
            Assert.Equal(sent[7].Bytes, sent[400].Bytes);
            h.Advance(TimeSpan.FromSeconds(33), TimeSpan.FromSeconds(1));
        }

        Assert.InRange(h.Stack.ResponseArenaChunks(), 1, 6);
    }
}

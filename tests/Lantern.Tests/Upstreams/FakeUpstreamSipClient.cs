using System.Threading.Channels;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

/// <summary>Records each SUBSCRIBE the subscriber sends and lets the test answer it.</summary>
internal sealed class FakeUpstreamSipClient : IUpstreamSipClient
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly Channel<SentSubscribe> _sent = Channel.CreateUnbounded<SentSubscribe>();

    public async ValueTask<UpstreamSubscribeResponse> SubscribeAsync(UpstreamSubscribeRequest request, CancellationToken cancellationToken)
    {
        var sent = new SentSubscribe(request);
        _sent.Writer.TryWrite(sent);
        return await sent.Response.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The next SUBSCRIBE sent, waiting at most <see cref="Deadline"/>.</summary>
    public async Task<SentSubscribe> NextAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    /// <summary>True when a SUBSCRIBE was sent and not yet taken (checks what already happened, without waiting).</summary>
    public bool TryTake(out SentSubscribe? sent) => _sent.Reader.TryRead(out sent);
}

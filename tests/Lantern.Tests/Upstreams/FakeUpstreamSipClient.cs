using System.Threading.Channels;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

/// <summary>Records each SUBSCRIBE and REGISTER the subscriber sends and lets the test answer it.</summary>
internal sealed class FakeUpstreamSipClient : IUpstreamSipClient
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly Channel<SentSubscribe> _sent = Channel.CreateUnbounded<SentSubscribe>();
    private readonly Channel<SentRegister> _registers = Channel.CreateUnbounded<SentRegister>();

    public async ValueTask<UpstreamSubscribeResponse> RegisterAsync(UpstreamRegisterRequest request, CancellationToken cancellationToken)
    {
        var sent = new SentRegister(request);
        _registers.Writer.TryWrite(sent);
        return await sent.Response.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The next REGISTER sent, waiting at most <see cref="Deadline"/>.</summary>
    public async Task<SentRegister> NextRegisterAsync() => await _registers.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

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

using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

/// <summary>One REGISTER caught by <see cref="FakeUpstreamSipClient"/>, waiting for the test's answer.</summary>
internal sealed class SentRegister(UpstreamRegisterRequest request)
{
    public UpstreamRegisterRequest Request { get; } = request;

    public TaskCompletionSource<UpstreamSubscribeResponse> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Respond(UpstreamSubscribeResponse response) => Response.TrySetResult(response);
}

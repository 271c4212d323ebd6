using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

/// <summary>One SUBSCRIBE caught by <see cref="FakeUpstreamSipClient"/>, waiting for the test's answer.</summary>
internal sealed class SentSubscribe(UpstreamSubscribeRequest request)
{
    public UpstreamSubscribeRequest Request { get; } = request;

    public TaskCompletionSource<UpstreamSubscribeResponse> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Respond(UpstreamSubscribeResponse response) => Response.TrySetResult(response);

    public void Ok(int expires, string remoteTag = "srv1", string? contact = "sip:upstream@192.0.2.1:5060") =>
        Respond(new UpstreamSubscribeResponse(200, "OK", Expires: expires, RemoteTag: remoteTag, RemoteTarget: contact));
}

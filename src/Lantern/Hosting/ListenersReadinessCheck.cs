using Lantern.Ami;
using Lantern.Api;
using Lantern.Sip.Transport;

namespace Lantern.Hosting;

/// <summary>Ready when every SIP listener and the AMI listener are bound (the store has its own check).</summary>
internal sealed class ListenersReadinessCheck : IReadinessCheck
{
    private readonly SipTransportManager _sip;
    private readonly AmiServer _ami;
    public ListenersReadinessCheck(SipTransportManager sip, AmiServer ami)
    {
        _sip = sip;
        _ami = ami;
    }

    public string Name => "listeners";

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        if (_sip.BoundEndPoints.Count == 0)
        {
            return ValueTask.FromResult<string?>("no SIP listener is bound");
        }

        return ValueTask.FromResult(_ami.LocalEndPoint is null ? "the AMI listener is not bound" : null);
    }
}

using Lantern.Sip.Messages;

namespace Lantern.Sip.Transactions;

/// <summary>The outcome of a request sent through a client transaction: its final response, or why there is none.</summary>
public sealed record SipClientResult(SipMessage? Response, SipClientFailure Failure, string? Error)
{
    public bool Succeeded => Response is not null;

    public static SipClientResult Received(SipMessage response) => new(response, SipClientFailure.None, null);

    public static SipClientResult Failed(SipClientFailure failure, string error) => new(null, failure, error);
}

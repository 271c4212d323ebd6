namespace Lantern.Status;

/// <summary>The result of one NOTIFY sent on an operator's request.</summary>
/// <param name="Kind"><c>subscription</c> (in-dialog NOTIFY) or <c>contact</c> (unsolicited NOTIFY).</param>
/// <param name="Target">The subscription's Call-ID or the contact URI.</param>
/// <param name="Result">The response (<c>200 OK</c>), <c>timeout</c>, <c>transport: ...</c> or <c>not sent: REASON</c>.</param>
public sealed record EndpointNotifyOutcome(string Kind, string Target, bool Delivered, string Result);

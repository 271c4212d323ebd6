namespace Lantern.Sip.Messages;

/// <summary>One row of a message's header table: known id plus name and value ranges in the message buffer.</summary>
internal readonly record struct SipHeaderEntry(SipHeaderId Id, ByteRange Name, ByteRange Value);

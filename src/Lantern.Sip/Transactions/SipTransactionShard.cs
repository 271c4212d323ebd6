using Lantern.Sip.Messages;
using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Transactions;

/// <summary>One serial owner of a slice of transactions (sharded by Call-ID): its tables are touched only on its executor.</summary>
internal sealed class SipTransactionShard(int maxTransactions, int maxQueued, ILogger logger)
{
    public SerialExecutor Executor { get; } = new(maxQueued, logger);

    public Dictionary<string, SipServerTransaction> Servers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SipInviteServerTransaction> Invites { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SipClientTransaction> Clients { get; } = new(StringComparer.Ordinal);

    public Dictionary<SipMergeKey, string> Merged { get; } = [];

    public int MaxTransactions { get; } = maxTransactions;

    public bool IsFull => Servers.Count + Invites.Count + Clients.Count >= MaxTransactions;

    /// <summary>Server transaction key (RFC 3261 §17.2.3): branch, sent-by and method, with ACK matching its INVITE.</summary>
    public static string ServerKey(SipMessage request)
    {
        var method = request.Method == SipMethod.Ack ? "INVITE" : request.MethodText;
        return string.Concat(request.TopViaBranch, "|", request.TopViaHost, ":", request.TopViaPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "|", method);
    }

    /// <summary>Client transaction key (RFC 3261 §17.1.3): branch and CSeq method.</summary>
    public static string ClientKey(string branch, string method) => string.Concat(branch, "|", method);
}

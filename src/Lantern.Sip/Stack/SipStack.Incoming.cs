using System.Globalization;
using Lantern.Sip.Messages;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Stack;

/// <summary>Receiving: parse, add received/rport, validate, answer on its own or hand to a handler.</summary>
public sealed partial class SipStack
{
    /// <summary>Never throws: whatever a peer sends affects only its own message.</summary>
    public void OnMessage(ReadOnlySpan<byte> message, in SipSource source)
    {
        var from = source;
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            var ok = SipMessageParser.TryParse(message, _options.Limits, _messages, out var msg, out var error);
            if (msg is null)
            {
                Drop(from, "a message", error);
                return;
            }

            if (msg.IsResponse)
            {
                if (!ok)
                {
                    msg.Dispose();
                    Drop(from, "a response", error);
                    return;
                }

                RouteResponse(msg, from);
                return;
            }

            if (!msg.CanBuildResponse || (!ok && msg.Method == SipMethod.Ack))
            {
                if (!ok && msg.Method != SipMethod.Ack && msg.CanAnswerStatelessly)
                {
                    RejectStatelessly(msg, from, error);
                }
                else
                {
                    Drop(from, msg.Method == SipMethod.Ack ? "an ACK" : "a request", error);
                }

                msg.Dispose();
                return;
            }

            msg.ApplyReceived(from.Remote);
            var shard = ShardFor(msg.CallIdBytes);
            // A request with credentials answers our challenge: it finishes an exchange already admitted (the 401 was work
            // done), so it is not new work. Refused for delay, a REGISTER had to pass admission twice and a phone under
            // overload rarely got through both (issue 13, avalanche). Bogus credentials still cost only a bounded queue slot.
            if (msg.ToTag is null && msg.Method is not (SipMethod.Ack or SipMethod.Cancel)
                && !msg.HasHeader(SipHeaderId.Authorization) && !msg.HasHeader(SipHeaderId.ProxyAuthorization))
            {
                PostNew(shard, msg, from, error);
                return;
            }

            if (!shard.Executor.TryPost(() => HandleRequest(shard, msg, from, error, null, 0), bounded: true))
            {
                SendOverloaded(msg, from);
                msg.Dispose();
            }
        }
#pragma warning disable CA1031 // The receive path must never throw into a transport loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _dropped);
            SipStackLog.ReceiveFailed(_logger, ex);
        }
    }

    /// <summary>RFC 3261 §18.2.2 with RFC 3581: the request's connection for TCP/TLS; for UDP the source address and the rport
    /// (else the sent-by port, else 5060).</summary>
    internal static SipDestination ResponseDestination(SipMessage request, in SipSource source)
    {
        if (source.Transport != SipTransportKind.Udp)
        {
            return new SipDestination(source.Transport, source.Remote, source.ConnectionId);
        }

        var port = request.TopViaRport != 0 ? request.TopViaRport : request.TopViaPort != 0 ? request.TopViaPort : 5060;
        return new SipDestination(SipTransportKind.Udp, new System.Net.IPEndPoint(source.Remote.Address, port));
    }

    /// <summary>A request too broken for a transaction (no usable From, To or Call-ID) that still names its top Via and CSeq:
    /// a stateless 400 naming the problem, so the sender stops retransmitting (RFC 4475 §3.3.1).</summary>
    private void RejectStatelessly(SipMessage request, in SipSource source, SipParseError error)
    {
        request.ApplyReceived(source.Remote);
        Interlocked.Increment(ref _rejected);
        SipStackLog.Rejected(_logger, request.MethodText, source.Remote, error.StatusCode, error.ReasonPhrase);
        var bytes = SipMessageBuilder.ResponseTo(request, error.StatusCode, error.ReasonPhrase, SipIdentifiers.NewTag()).ToArray();
        _ = SendStatelessAsync(bytes, ResponseDestination(request, source));
    }

    /// <summary>Counts a message dropped unanswered and logs why (at Debug, throttled).</summary>
    private void Drop(in SipSource source, string what, SipParseError error)
    {
        Interlocked.Increment(ref _dropped);
        _dropLog.Dropped(source.Remote, what, error.IsError
            ? string.Create(CultureInfo.InvariantCulture, $"{error.ReasonPhrase} at byte {error.Offset}")
            : "no usable top Via, From, To, Call-ID and CSeq to answer with");
    }

    private void RouteResponse(SipMessage response, SipSource source)
    {
        var shard = ShardFor(response.CallIdBytes);
        var posted = shard.Executor.TryPost(() =>
        {
            var method = response.Method;
            if (SipClientKey.TryParse(response.TopViaBranchBytes, method, method == SipMethod.Unknown ? response.CSeq.MethodText : null, out var key)
                && shard.Clients.TryGetValue(key, out var tx))
            {
                tx.OnResponse(response);
            }
            else
            {
                Interlocked.Increment(ref _dropped);
                _dropLog.Dropped(source.Remote, "a response", string.Create(CultureInfo.InvariantCulture,
                    $"{response.StatusCode} to {response.CSeq.MethodText} matches no client transaction (stray, or its transaction has ended)"));
                response.Dispose();
            }
        }, bounded: true);
        if (!posted)
        {
            Interlocked.Increment(ref _dropped);
            _dropLog.Dropped(source.Remote, "a response", "its shard's queue is full (overload)");
            response.Dispose();
        }
    }

    /// <summary>A request that would start new work (no To tag): behind the shard's in-progress work, once (a retransmission
    /// of a request still queued is absorbed), and stamped with its arrival so its wait can be judged when its turn comes.</summary>
    private void PostNew(SipTransactionShard shard, SipMessage msg, SipSource from, SipParseError error)
    {
        var key = SipTransactionShard.ServerKey(msg);
        if (!shard.TryMarkQueued(key))
        {
            Interlocked.Increment(ref _absorbed);
            msg.Dispose();
            return;
        }

        var received = _time.GetTimestamp();
        if (!shard.Executor.TryPostNew(() => HandleRequest(shard, msg, from, error, key, received)))
        {
            shard.UnmarkQueued(key);
            SendOverloaded(msg, from);
            msg.Dispose();
        }
    }

    /// <summary>Admission of a new request at its turn: refused when it waited past <see cref="SipStackOptions.MaxQueueDelay"/>
    /// (the shard is behind) or the backlog probe reports a lag past <see cref="SipStackOptions.MaxBacklogDelay"/>.</summary>
    private bool MustRefuse(SipTransactionShard shard, long received)
    {
        var waited = _time.GetTimestamp() - received;
        shard.LastQueueDelayTicks = waited;
        var refused = (waited > _options.MaxQueueDelay.TotalSeconds * _time.TimestampFrequency
                && (_options.MinQueuedToRefuse == 0 || shard.Executor.Pending >= _options.MinQueuedToRefuse))
            || (_backlogProbe is { } probe && probe() > _options.MaxBacklogDelay);
        return _window is { } window ? !window.TryAdmit(refused) : refused;
    }

    /// <summary>Runs on the request's shard. <paramref name="queuedKey"/> and <paramref name="received"/> are set for new
    /// requests (see <see cref="PostNew"/>).</summary>
    private void HandleRequest(SipTransactionShard shard, SipMessage request, SipSource source, SipParseError error, SipServerKey? queuedKey, long received)
    {
        var key = queuedKey ?? SipTransactionShard.ServerKey(request);
        if (queuedKey is { } queued)
        {
            shard.UnmarkQueued(queued);
        }

        if (request.Method == SipMethod.Ack)
        {
            // An ACK completes our INVITE transaction or is stray (no 2xx is ever sent): absorbed either way.
            if (shard.Invites.TryGetValue(key, out var invite))
            {
                invite.OnAck();
            }

            request.Dispose();
            return;
        }

        if (request.Method == SipMethod.Invite)
        {
            HandleInvite(shard, request, source, error, key, received);
            return;
        }

        if (shard.TryAbsorb(key))
        {
            request.Dispose();
            return;
        }

        if (shard.IsFull)
        {
            SendOverloaded(request, source);
            request.Dispose();
            return;
        }

        if (queuedKey is not null && MustRefuse(shard, received))
        {
            RefuseOverloaded(shard, request, source, key);
            request.Dispose();
            return;
        }

        var mergeKey = request.ToTag is null && request.FromTag is not null
            ? new SipMergeKey(request.FromTag, request.CallId, request.CSeq.Number, request.MethodText)
            : (SipMergeKey?)null;
        var merged = mergeKey is { } mk && shard.Merged.ContainsKey(mk);
        var tx = new SipServerTransaction(shard, _context, key, request, source, ResponseDestination(request, source), merged ? null : mergeKey);
        if (queuedKey is not null && _admittedCompleted is not null)
        {
            tx.OnFinal(_admittedCompleted, received);
        }

        tx.Register();
        var handlers = _handlers;
        var verdict = Verdict(request, error, tx.LocalTag, handlers, merged);
        if (verdict is not null)
        {
            Reject(tx, verdict);
        }
        else if (request.Method == SipMethod.Cancel)
        {
            tx.Respond(shard.Invites.ContainsKey(key.ForInvite) ? 200 : 481);
        }
        else if (handlers.TryGetValue(request.Method, out var handler))
        {
            Invoke(handler, tx);
            return;
        }
        else
        {
            tx.Respond(OptionsResponse(tx.CreateResponse(200)));
        }

        tx.ReleaseRequestVote();
    }

    private void HandleInvite(SipTransactionShard shard, SipMessage request, SipSource source, SipParseError error, SipServerKey key, long received)
    {
        if (shard.Invites.TryGetValue(key, out var existing))
        {
            existing.OnRetransmission();
            request.Dispose();
            return;
        }

        if (shard.IsFull || (received != 0 && MustRefuse(shard, received)))
        {
            SendOverloaded(request, source);
            request.Dispose();
            return;
        }

        var tag = SipIdentifiers.NewTag();
        var response = Verdict(request, error, tag, _handlers, merged: false) ?? MethodNotAllowed(request, tag);
        Interlocked.Increment(ref _rejected);
        SipStackLog.Rejected(_logger, request.MethodText, source.Remote, response.StatusCode, response.ReasonPhrase);
        var tx = new SipInviteServerTransaction(shard, _context, key, response.ToArray(), ResponseDestination(request, source));
        request.Dispose();
        tx.Start();
        if (received != 0)
        {
            _admittedCompleted?.Invoke(received);
        }
    }

    /// <summary>The answer the stack gives on its own, or null when the request goes on to its handler. Max-Forwards is not
    /// checked: Lantern is the UAS every request is addressed to, and RFC 4475 §3.3.11 has a UAS process Max-Forwards: 0.</summary>
    private SipMessageBuilder? Verdict(SipMessage request, SipParseError error, string toTag, Dictionary<SipMethod, ISipRequestHandler> handlers, bool merged)
    {
        if (error.IsError)
        {
            return SipMessageBuilder.ResponseTo(request, error.StatusCode, error.ReasonPhrase, toTag);
        }

        if (request.Method is not (SipMethod.Options or SipMethod.Cancel) && !handlers.ContainsKey(request.Method))
        {
            return MethodNotAllowed(request, toTag);
        }

        var uri = request.RequestUri;
        if (uri is null)
        {
            return SipMessageBuilder.ResponseTo(request, 400, "Malformed Request-URI", toTag);
        }

        if (uri.Scheme == SipUriScheme.Other)
        {
            return SipMessageBuilder.ResponseTo(request, 416, null, toTag);
        }

        if (merged)
        {
            return SipMessageBuilder.ResponseTo(request, 482, "Loop Detected", toTag);
        }

        if (request.Method != SipMethod.Cancel && request.HasHeader(SipHeaderId.Require))
        {
            List<string>? unsupported = null;
            foreach (var option in request.GetList(SipHeaderId.Require))
            {
                if (!Contains(_options.SupportedExtensions, option))
                {
                    (unsupported ??= []).Add(option);
                }
            }

            if (unsupported is not null)
            {
                return SipMessageBuilder.ResponseTo(request, 420, null, toTag).AddHeader(SipHeaderId.Unsupported, string.Join(", ", unsupported));
            }
        }

        return null;
    }

    private SipMessageBuilder MethodNotAllowed(SipMessage request, string toTag) =>
        SipMessageBuilder.ResponseTo(request, 405, null, toTag).AddHeader(SipHeaderId.Allow, AllowHeader());

    private SipMessageBuilder OptionsResponse(SipMessageBuilder response)
    {
        response.AddHeader(SipHeaderId.Allow, AllowHeader());
        if (_options.Accept.Count > 0)
        {
            response.AddHeader(SipHeaderId.Accept, string.Join(", ", _options.Accept));
        }

        if (_options.AllowEvents.Count > 0)
        {
            response.AddHeader(SipHeaderId.AllowEvents, string.Join(", ", _options.AllowEvents));
        }

        if (_options.SupportedExtensions.Count > 0)
        {
            response.AddHeader(SipHeaderId.Supported, string.Join(", ", _options.SupportedExtensions));
        }

        return response;
    }

    private string AllowHeader()
    {
        var methods = AllowedMethods;
        var names = new string[methods.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = SipMethods.ToText(methods[i]);
        }

        return string.Join(", ", names);
    }

    private void Reject(SipServerTransaction tx, SipMessageBuilder response)
    {
        Interlocked.Increment(ref _rejected);
        SipStackLog.Rejected(_logger, tx.Request.MethodText, tx.Source.Remote, response.StatusCode, response.ReasonPhrase);
        tx.Respond(response);
    }

    private void Invoke(ISipRequestHandler handler, SipServerTransaction tx)
    {
        ValueTask pending;
        try
        {
            pending = handler.HandleRequestAsync(tx, _stopping.Token);
        }
#pragma warning disable CA1031 // A failing handler gets its request answered 500; the stack goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HandlerFailed(tx, ex);
            tx.ReleaseRequestVote();
            return;
        }

        if (!pending.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(pending, tx);
            return;
        }

        tx.ReleaseRequestVote();
    }

    private async Task ObserveAsync(ValueTask pending, SipServerTransaction tx)
    {
        try
        {
            await pending;
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HandlerFailed(tx, ex);
        }
        finally
        {
            tx.ReleaseRequestVote();
        }
    }

    private void HandlerFailed(SipServerTransaction tx, Exception ex)
    {
        SipStackLog.HandlerFailed(_logger, tx.Request.MethodText, ex);
        if (!tx.HasFinalResponse)
        {
            tx.Respond(500);
        }
    }

    private void SendOverloaded(SipMessage request, in SipSource source) =>
        _ = SendStatelessAsync(OverloadedResponse(request), ResponseDestination(request, source));

    /// <summary>Refuses a new request at its turn (on its shard) and, over UDP, keeps the 503 under the request's key for T4, so
    /// a retransmission that was already on its way is answered with the same 503 instead of being handled as a new request.</summary>
    /// <remarks>Answered statelessly, the retransmission of a refused request was often handled when its own turn came: the
    /// phone got a 503 and then a 200 (or a 401) for one transaction, ignored the second, and Lantern kept a subscription the
    /// phone never learned of, NOTIFYing it until Timer F, while the phone retried (issue 13, avalanche).</remarks>
    private void RefuseOverloaded(SipTransactionShard shard, SipMessage request, in SipSource source, SipServerKey key)
    {
        var destination = ResponseDestination(request, source);
        var bytes = OverloadedResponse(request);
        if (SipTransactionContext.IsReliable(destination.Transport))
        {
            _ = SendStatelessAsync(bytes, destination);
            return;
        }

        shard.Complete(key, null, null, bytes, destination, shard.Refused, _context.Values.T4);
    }

    private byte[] OverloadedResponse(SipMessage request)
    {
        var count = Interlocked.Increment(ref _overloaded);
        if ((count & (count - 1)) == 0)
        {
            SipStackLog.Overloaded(_logger, count);
        }

        // Jittered (RFC 5390 §3.2) so that refused senders do not all come back in the same second.
        var retryAfter = _options.RetryAfterSeconds + (_options.RetryAfterJitterSeconds > 0 ? Random.Shared.Next(_options.RetryAfterJitterSeconds + 1) : 0);
        return SipMessageBuilder.ResponseTo(request, 503, null, SipIdentifiers.NewTag())
            .AddHeader(SipHeaderId.RetryAfter, retryAfter.ToString(CultureInfo.InvariantCulture))
            .ToArray();
    }

    private async Task SendStatelessAsync(byte[] bytes, SipDestination destination)
    {
        try
        {
            await _transport.SendAsync(bytes, destination, CancellationToken.None);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SipStackLog.ReceiveFailed(_logger, ex);
        }
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
        {
            if (string.Equals(item, value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

using Lantern.Mailboxes;
using Lantern.Status;

namespace Lantern.Upstreams;

/// <summary>In-dialog NOTIFYs: dialog checks, strict body parsing, the mailbox write, and <c>terminated</c> per reason (RFC 6665 §4.1.3).</summary>
internal sealed partial class UpstreamSubscriber
{
    public const string EventPackage = "message-summary";

    public const string BodyContentType = "application/simple-message-summary";

    private async ValueTask OnNotifyAsync(UpstreamNotify notify, TaskCompletionSource<UpstreamNotifyResult> done)
    {
        var result = await ProcessNotifyAsync(notify).ConfigureAwait(false);
        _metrics?.Notify(_upstream.Name, result.StatusCode);
        if (result.StatusCode != 200)
        {
            UpstreamsLog.NotifyRefused(_logger, _upstream.Name, result.StatusCode, result.Reason);
        }

        done.TrySetResult(result);
    }

    private async ValueTask<UpstreamNotifyResult> ProcessNotifyAsync(UpstreamNotify notify)
    {
        if (_callId is null || notify.CallId != _callId || notify.ToTag != _localTag || notify.FromTag is null)
        {
            return UpstreamNotifyResult.NoSubscription;
        }

        // Only one dialog per subscription: a NOTIFY from a second fork is not ours.
        if (_remoteTag is not null && notify.FromTag != _remoteTag)
        {
            return UpstreamNotifyResult.NoSubscription;
        }

        if (!IsMessageSummary(notify.Event))
        {
            return new UpstreamNotifyResult(489, "Bad Event");
        }

        if (_remoteCSeq >= 0 && notify.CSeq <= _remoteCSeq)
        {
            return new UpstreamNotifyResult(500, "CSeq Out of Order");
        }

        if (!UpstreamSubscriptionState.TryParse(notify.SubscriptionState, out var state, out var stateError))
        {
            return new UpstreamNotifyResult(400, stateError);
        }

        MailboxCounts? counts = null;
        if (!notify.Body.IsEmpty)
        {
            if (!IsSummaryContentType(notify.ContentType))
            {
                return new UpstreamNotifyResult(415, "Unsupported Media Type");
            }

            if (!_parseBody(notify.Body.Span, out var parsed, out var bodyError))
            {
                return new UpstreamNotifyResult(400, "Bad message-summary body: " + bodyError);
            }

            counts = parsed;
        }

        if (counts is not null)
        {
            var write = await _mailboxes.UpdateAsync(_upstream.Mailbox, _upstream.Source, MailboxUpdate.Replace(counts), null, _stopping.Token).ConfigureAwait(false);
            if (!write.Succeeded)
            {
                _lastError = $"{_upstream.Mailbox}: {write.Error}";
                Publish();
                return write.Status switch
                {
                    MailboxWriteStatus.Invalid => new UpstreamNotifyResult(400, "Bad message-summary body: " + write.Error),
                    MailboxWriteStatus.OwnedByOther => new UpstreamNotifyResult(403, "Mailbox owned by another source"),
                    MailboxWriteStatus.Unavailable => new UpstreamNotifyResult(503, "Mailbox store unavailable"),
                    _ => new UpstreamNotifyResult(500, "Mailbox changed concurrently; retry"),
                };
            }

            UpstreamsLog.Notified(_logger, _upstream.Name, _upstream.Mailbox);
        }

        // Accepted: the NOTIFY establishes the dialog when it overtook the 200 (RFC 6665 §4.1.2.4) and refreshes the target.
        _remoteCSeq = notify.CSeq;
        _remoteTag ??= notify.FromTag;
        if (notify.Contact is not null)
        {
            _remoteTarget = notify.Contact;
        }

        _lastNotifyAt = _time.GetUtcNow();
        _dialogNotified = true;
        CancelNotifyDeadline();
        if (state.Phase == UpstreamSubscriptionPhase.Terminated)
        {
            OnTerminated(state);
        }
        else if (state.Expires is { } expires && _state == UpstreamState.Active && _pending is null)
        {
            // The notifier may shorten the subscription (RFC 6665 §4.1.3): refresh before the new end.
            var refreshIn = RefreshDelay(expires);
            if (_nextAttemptAt is null || _time.GetUtcNow() + refreshIn < _nextAttemptAt)
            {
                Schedule(refreshIn, TimerPurpose.Refresh);
            }
        }

        Publish();
        return UpstreamNotifyResult.Ok;
    }

    private void OnTerminated(UpstreamSubscriptionState state)
    {
        var reason = state.Reason ?? "no reason";
        UpstreamsLog.Terminated(_logger, _upstream.Name, reason);
        if (_stopRequested)
        {
            // Our own unsubscribe's final NOTIFY; the SUBSCRIBE response finishes the stop.
            _established = false;
            return;
        }

        // Any in-flight refresh belongs to the ended dialog; its response is ignored.
        _pending = null;
        var lived = _time.GetUtcNow() - _subscribedAt;
        var immediate = state.RetryAfter is null
            && state.Reason is "deactivated" or "timeout"
            && lived >= MinLifeForImmediateResubscribe;
        if (immediate)
        {
            _lastError = "terminated by the server: " + reason;
            BeginSubscription();
            return;
        }

        Fail("terminated by the server: " + reason, state.RetryAfter, authFailure: false);
    }

    private static bool IsMessageSummary(string? eventHeader)
    {
        if (eventHeader is null)
        {
            return false;
        }

        var semi = eventHeader.IndexOf(';', StringComparison.Ordinal);
        var package = (semi < 0 ? eventHeader : eventHeader[..semi]).Trim();
        return package.Equals(EventPackage, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSummaryContentType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var semi = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semi < 0 ? contentType : contentType[..semi]).Trim();
        return media.Equals(BodyContentType, StringComparison.OrdinalIgnoreCase);
    }
}

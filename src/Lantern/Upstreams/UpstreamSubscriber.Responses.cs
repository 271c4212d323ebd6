using System.Globalization;
using Lantern.Sip.Auth;
using Lantern.Status;

namespace Lantern.Upstreams;

/// <summary>Final responses to our SUBSCRIBEs: success, digest challenges, 423, 481 and every other failure.</summary>
internal sealed partial class UpstreamSubscriber
{
    /// <summary>A Min-Expires above this is not a sensible request and is treated as a failure.</summary>
    public const int MaxAcceptedMinExpires = 86_400;

    private void OnResponse(int transaction, UpstreamSubscribeResponse response)
    {
        if (_pending is null || _pending.Transaction != transaction || response.StatusCode < 200)
        {
            return;
        }

        var pending = _pending;
        _pending = null;

        if (pending.Kind == RequestKind.Unsubscribe)
        {
            OnUnsubscribeResponse(pending, response);
            return;
        }

        if (response.IsSuccess)
        {
            OnSuccess(pending, response);
            return;
        }

        switch (response.StatusCode)
        {
            case 401 or 407:
                OnChallenge(pending, response);
                return;
            case 423:
                On423(pending, response);
                return;
            case 481 when pending.Kind == RequestKind.Refresh:
                UpstreamsLog.Resubscribing(_logger, _upstream.Name);
                _lastError = Describe(response) + " to a refresh";
                BeginSubscription();
                return;
            default:
                Fail(Describe(response), response.RetryAfter, authFailure: false);
                return;
        }
    }

    private void OnSuccess(Pending pending, UpstreamSubscribeResponse response)
    {
        if (_stopRequested)
        {
            // Stopped while the initial SUBSCRIBE was in flight: end what the server just created.
            _remoteTag ??= response.RemoteTag;
            _remoteTarget = response.RemoteTarget ?? _remoteTarget;
            if (pending.Kind == RequestKind.Initial)
            {
                _routeSet = Reversed(response.RecordRoute);
            }

            _established = true;
            Send(RequestKind.Unsubscribe, 0);
            return;
        }

        var granted = response.Expires ?? pending.Expires;
        if (granted <= 0)
        {
            Fail($"{response.StatusCode.ToString(CultureInfo.InvariantCulture)} granted no time (Expires: 0)", null, authFailure: false);
            return;
        }

        if (pending.Kind == RequestKind.Initial)
        {
            // The dialog may already exist from a NOTIFY that overtook this 200 (RFC 6665 §4.1.2.4); the 200's tag wins only when none.
            _remoteTag ??= response.RemoteTag;
            _routeSet = Reversed(response.RecordRoute);
            if (!_established)
            {
                _subscribedAt = _time.GetUtcNow();
            }
        }

        _remoteTarget = response.RemoteTarget ?? _remoteTarget;
        _established = _remoteTag is not null;
        _granted = granted;
        _failures = 0;
        _state = UpstreamState.Active;
        if (pending.Kind == RequestKind.Initial)
        {
            UpstreamsLog.Subscribed(_logger, _upstream.Name, _upstream.RequestUri, granted);
        }
        else
        {
            // Every refreshSeconds: too frequent for the information level.
            UpstreamsLog.Refreshed(_logger, _upstream.Name, granted);
        }

        if (!_established)
        {
            // A 2xx without a To tag cannot be refreshed in-dialog; treat it as a broken server.
            Fail($"{response.StatusCode.ToString(CultureInfo.InvariantCulture)} without a To tag", null, authFailure: false);
            return;
        }

        Schedule(RefreshDelay(granted), TimerPurpose.Refresh);
        if (pending.Kind == RequestKind.Initial)
        {
            StartNotifyDeadline();
        }

        Publish();
    }

    /// <summary>85% of the grant, but never longer than the configured refresh interval: a refresh is our liveness
    /// probe, answered 481 by a server that restarted and lost the subscription (decision 0008).</summary>
    private TimeSpan RefreshDelay(int granted)
    {
        var delay = TimeSpan.FromSeconds(granted * RefreshShare);
        var most = TimeSpan.FromSeconds(_upstream.RefreshSeconds);
        return _upstream.RefreshSeconds > 0 && most < delay ? most : delay;
    }

    private void OnChallenge(Pending pending, UpstreamSubscribeResponse response)
    {
        var status = response.StatusCode.ToString(CultureInfo.InvariantCulture);
        if (_upstream.Secret is null)
        {
            Fail($"{status} {response.Reason}: the server wants credentials and no secret is configured", response.RetryAfter, authFailure: true);
            return;
        }

        if (pending.Answered)
        {
            // The one answer this request gets was refused (sip.md §3): wrong credentials.
            _challenge = null;
            Fail($"{status} {response.Reason}: credentials refused", response.RetryAfter, authFailure: true);
            return;
        }

        var challenge = DigestChallenge.SelectBest(response.Challenges ?? []);
        if (challenge is null)
        {
            Fail($"{status} {response.Reason}: no usable digest challenge (MD5 or SHA-256)", response.RetryAfter, authFailure: true);
            return;
        }

        _challenge = challenge;
        _challengeIsProxy = response.StatusCode == 407;
        _nonceCount = 1;
        var authorization = DigestClient.CreateAuthorization(challenge, "SUBSCRIBE", RequestUriFor(pending.Kind), _upstream.AuthUser, _upstream.Secret, _nonceCount);
        Send(pending.Kind, pending.Expires, answered: true, pending.Retries423, authorization, _challengeIsProxy);
    }

    private void On423(Pending pending, UpstreamSubscribeResponse response)
    {
        if (response.MinExpires is not { } min || min <= pending.Expires || min > MaxAcceptedMinExpires || pending.Retries423 >= Max423Retries)
        {
            Fail(Describe(response) + (response.MinExpires is null ? " without Min-Expires" : string.Empty), response.RetryAfter, authFailure: false);
            return;
        }

        _requestedExpires = min;
        Send(pending.Kind, min, answered: false, pending.Retries423 + 1);
    }

    private void OnUnsubscribeResponse(Pending pending, UpstreamSubscribeResponse response)
    {
        if (response.StatusCode is 401 or 407 && !pending.Answered && _upstream.Secret is not null)
        {
            var challenge = DigestChallenge.SelectBest(response.Challenges ?? []);
            if (challenge is not null)
            {
                _challenge = challenge;
                _challengeIsProxy = response.StatusCode == 407;
                _nonceCount = 1;
                var authorization = DigestClient.CreateAuthorization(challenge, "SUBSCRIBE", RequestUriFor(RequestKind.Unsubscribe), _upstream.AuthUser, _upstream.Secret, _nonceCount);
                Send(RequestKind.Unsubscribe, 0, answered: true, 0, authorization, _challengeIsProxy);
                return;
            }
        }

        var outcome = Describe(response);
        if (response.IsSuccess)
        {
            UpstreamsLog.Unsubscribed(_logger, _upstream.Name, outcome);
        }
        else
        {
            _lastError = "unsubscribe: " + outcome;
            UpstreamsLog.UnsubscribeFailed(_logger, _upstream.Name, outcome);
        }

        _established = false;
        Publish();
        Finish();
    }

    private void Fail(string error, int? retryAfter, bool authFailure) =>
        Fail(error, retryAfter, authFailure ? UpstreamState.FailedAuth : UpstreamState.Retrying);

    /// <summary>Any failure: forget the dialog, count it, and retry after the backoff (or the server's Retry-After when longer).</summary>
    private void Fail(string error, int? retryAfter, UpstreamState state)
    {
        _failures++;
        _lastError = error;
        _established = false;
        _remoteTag = null;
        _granted = null;
        CancelNotifyDeadline();
        SetCallId(null);
        _state = state;
        _metrics?.Failure(_upstream.Name, state switch
        {
            UpstreamState.FailedAuth => "auth",
            UpstreamState.FailedNoNotify => "no-notify",
            _ => "other",
        });
        if (_stopRequested)
        {
            Publish();
            Finish();
            return;
        }

        var delay = UpstreamBackoff.Delay(_failures, _random01());
        if (retryAfter is > 0 && TimeSpan.FromSeconds(retryAfter.Value) > delay)
        {
            delay = TimeSpan.FromSeconds(Math.Min(retryAfter.Value, UpstreamBackoff.Maximum.TotalSeconds * 6));
        }

        UpstreamsLog.Failed(_logger, _upstream.Name, error, delay);
        Schedule(delay, TimerPurpose.Retry);
        Publish();
    }

    private static string Describe(UpstreamSubscribeResponse response) =>
        response.LocalFailure
            ? response.Reason
            : response.StatusCode.ToString(CultureInfo.InvariantCulture) + " " + response.Reason;

    private static List<string> Reversed(IReadOnlyList<string>? recordRoute)
    {
        var routes = new List<string>(recordRoute?.Count ?? 0);
        if (recordRoute is not null)
        {
            for (var i = recordRoute.Count - 1; i >= 0; i--)
            {
                routes.Add(recordRoute[i]);
            }
        }

        return routes;
    }
}

#include "client/media/media_session.h"

#include "client/media/media_endpoint.h"
#include "protocol/rtp/telephone_event.h"

#include <future>

#include <QtCore/QCoreApplication>

namespace tipring::client {
namespace {

// Runs `work` on the endpoint's thread and waits for it. The media thread never calls
// back into MediaSession synchronously, so the owner's thread cannot deadlock here.
void on_media_thread(QThread& thread, QObject* endpoint, const std::function<void()>& work) {
  if (QThread::currentThread() == &thread) {
    work();
    return;
  }
  std::promise<void> done;
  QCoreApplication::postEvent(endpoint, new MediaThreadCall([&] {
                                work();
                                done.set_value();
                              }));
  done.get_future().wait();
}

}  // namespace

// The media thread is a QThread running its own event loop, which owns the socket and a
// precise timer. Qt's loop already multiplexes socket readiness, timers and queued calls
// on every platform we ship (epoll on Linux, WSAEventSelect on Windows), so the owner's
// calls (apply, DTMF, stop) are plain queued invocations instead of a hand-made command
// queue and wake-up pipe around poll(), and QUdpSocket hides the Winsock differences.
// The device's real-time callback is separate and only meets this thread at its rings.
Result<std::unique_ptr<MediaSession>> MediaSession::open(MediaSessionConfig config) {
  if (!config.device) {
    return fail("MediaSession", "no audio device");
  }
  if (!config.clock) {
    config.clock = [] {
      return TimePoint{std::chrono::duration_cast<Duration>(
          std::chrono::steady_clock::now().time_since_epoch())};
    };
  }
  const QHostAddress bind_address = config.bind_address;
  std::unique_ptr<MediaSession> session(new MediaSession());
  session->endpoint_ = new MediaEndpoint(std::move(config), session->muted_, session->stats_);
  MediaEndpoint* endpoint = session->endpoint_;
  endpoint->moveToThread(&session->thread_);
  MediaSession* self = session.get();
  connect(endpoint, &MediaEndpoint::dtmf_received, self, &MediaSession::dtmf_received);
  connect(endpoint, &MediaEndpoint::first_packet_received, self,
          &MediaSession::first_packet_received);
  connect(endpoint, &MediaEndpoint::media_timeout, self, &MediaSession::media_timeout);
  connect(endpoint, &MediaEndpoint::device_event, self, &MediaSession::device_event);
  session->thread_.setObjectName(QStringLiteral("tipring-media"));
  session->thread_.start(QThread::HighPriority);

  Result<quint16> bound = 0;
  on_media_thread(session->thread_, endpoint, [&] { bound = endpoint->bind(); });
  if (!bound) {
    session->stop();
    return tl::unexpected(bound.error());
  }
  session->local_.address =
      bind_address.isNull() ? std::string("0.0.0.0") : bind_address.toString().toStdString();
  session->local_.port = *bound;
  return session;
}

MediaSession::~MediaSession() {
  stop();
}

Result<void> MediaSession::apply(const sdp::NegotiatedMedia& media) {
  if (endpoint_ == nullptr) {
    return fail("MediaSession", "the session was stopped");
  }
  Result<void> applied;
  MediaEndpoint* endpoint = endpoint_;
  on_media_thread(thread_, endpoint, [&] { applied = endpoint->apply(media); });
  if (applied) {
    applied_ = media;
  }
  return applied;
}

void MediaSession::set_muted(bool muted) {
  muted_.store(muted);
}

bool MediaSession::send_dtmf(char digit, std::chrono::milliseconds duration) {
  // RFC 4733 §2.1: events share the audio's clock; an event format at another rate could
  // not be placed on the audio timeline, so it counts as not negotiated.
  if (endpoint_ == nullptr || !applied_ || !applied_->telephone_event_payload_type ||
      applied_->telephone_event_clock_rate != applied_->codec.clock_rate ||
      !sdp::sends(applied_->direction) || !rtp::dtmf_event_from_char(digit)) {
    return false;
  }
  MediaEndpoint* endpoint = endpoint_;
  QCoreApplication::postEvent(endpoint, new MediaThreadCall([endpoint, digit, duration] {
                                endpoint->queue_dtmf(digit, duration);
                              }));
  return true;
}

void MediaSession::stop() {
  if (endpoint_ == nullptr) {
    return;
  }
  MediaEndpoint* endpoint = endpoint_;
  endpoint_ = nullptr;
  if (thread_.isRunning()) {
    on_media_thread(thread_, endpoint, [endpoint] { endpoint->stop(); });
    // Deleted on its own thread: the socket, timer and device belong to it.
    endpoint->deleteLater();
    thread_.quit();
    thread_.wait();
  } else {
    delete endpoint;
  }
}

MediaStats MediaSession::stats() const {
  return stats_.snapshot();
}

void MediaSession::run_due_work() {
  if (endpoint_ == nullptr) {
    return;
  }
  MediaEndpoint* endpoint = endpoint_;
  on_media_thread(thread_, endpoint, [endpoint] { endpoint->run_due_work(); });
}

}  // namespace tipring::client

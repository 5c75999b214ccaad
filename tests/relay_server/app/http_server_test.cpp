#include "relay_server/app/http_server.h"

#include "tests/relay_server/app/http_client.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tipring::relay {
namespace {

struct ServerFixture : ::testing::Test {
  EventLoop loop = [] {
    auto created = EventLoop::create();
    if (!created) {
      std::abort();
    }
    return *std::move(created);
  }();
  std::unique_ptr<HttpServer> server;
  int handled = 0;

  void start(HttpServerLimits limits = {}) {
    auto started = HttpServer::start(
        loop, SocketAddress::ipv4_loopback(0),
        [this](const HttpRequest& request) {
          ++handled;
          if (request.path() == "/health") {
            return HttpResponse{200, "text/plain; charset=utf-8", "ok\n"};
          }
          return HttpResponse{404, "text/plain; charset=utf-8", "no\n"};
        },
        limits);
    ASSERT_TRUE(started) << started.error().describe();
    server = std::move(*started);
  }

  // Runs the loop while a client thread talks to the server.
  std::string exchange(const std::string& request) {
    std::string reply;
    std::atomic<bool> done = false;
    std::thread client([&] {
      reply = http_exchange(server->local_address(), request);
      done = true;
    });
    for (int turn = 0; turn < 500 && !done; ++turn) {
      (void)loop.run_once(std::chrono::milliseconds(10));
    }
    client.join();
    return reply;
  }
};

TEST_F(ServerFixture, AnswersGetWithStatusLengthAndClose) {
  start();
  const auto reply = exchange("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\nok\n");
  EXPECT_EQ(server->open_connections(), 0U);
}

TEST_F(ServerFixture, HeadGetsTheHeadOnly) {
  start();
  const auto reply = exchange("HEAD /health HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(reply.ends_with("\r\n\r\n")) << reply;
}

TEST_F(ServerFixture, OtherMethodsGet405WithAllow) {
  start();
  const auto reply = exchange("POST /health HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 405 Method Not Allowed\r\n")) << reply;
  EXPECT_NE(reply.find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_EQ(handled, 0);
}

TEST_F(ServerFixture, MalformedAndOversizedRequestsGetTheirStatus) {
  start();
  EXPECT_TRUE(exchange("GET /health HTTP/1.1\r\nBad Field: x\r\n\r\n")
                  .starts_with("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_TRUE(exchange("GET /" + std::string(3000, 'a') + " HTTP/1.1\r\n\r\n")
                  .starts_with("HTTP/1.1 414 URI Too Long\r\n"));
  EXPECT_TRUE(exchange("GET / HTTP/3.0\r\n\r\n").starts_with("HTTP/1.1 505 "));
  EXPECT_EQ(handled, 0);
}

TEST_F(ServerFixture, RequestSplitAcrossWritesIsAssembled) {
  start();
  std::string reply;
  std::atomic<bool> done = false;
  std::thread client([&] {
    reply = http_exchange(server->local_address(), "GET /hea", "lth HTTP/1.1\r\n\r\n");
    done = true;
  });
  for (int turn = 0; turn < 500 && !done; ++turn) {
    (void)loop.run_once(std::chrono::milliseconds(10));
  }
  client.join();
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK")) << reply;
}

TEST_F(ServerFixture, SilentClientIsDisconnectedAtTheDeadline) {
  HttpServerLimits limits;
  limits.request_timeout = std::chrono::milliseconds(20);
  start(limits);
  std::string reply = "unset";
  std::atomic<bool> done = false;
  std::thread client([&] {
    reply = http_exchange(server->local_address(), "GET /health HTTP/1.1\r\n");  // never ends
    done = true;
  });
  for (int turn = 0; turn < 500 && !done; ++turn) {
    (void)loop.run_once(std::chrono::milliseconds(10));
  }
  client.join();
  EXPECT_EQ(reply, "");
  EXPECT_EQ(server->open_connections(), 0U);
}

TEST_F(ServerFixture, ConnectionsBeyondTheLimitAreClosedUnanswered) {
  HttpServerLimits limits;
  limits.max_connections = 1;
  limits.request_timeout = std::chrono::seconds(30);
  start(limits);
  const int idle = connect_to(server->local_address());
  ASSERT_GE(idle, 0);
  for (int turn = 0; turn < 100 && server->open_connections() == 0; ++turn) {
    (void)loop.run_once(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(server->open_connections(), 1U);
  const auto reply = exchange("GET /health HTTP/1.1\r\n\r\n");
  EXPECT_EQ(reply, "");
  EXPECT_EQ(server->open_connections(), 1U);
  ::close(idle);
}

}  // namespace
}  // namespace tipring::relay

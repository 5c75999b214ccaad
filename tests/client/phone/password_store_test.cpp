// PasswordStore against a real keychain: keychain_session.sh runs this binary on a private
// D-Bus session bus, either with gnome-keyring-daemon providing the Secret Service
// (SecretService.*) or with nothing that can provide it (NoService.*). secret-tool, a
// separate Secret Service client, confirms that what we stored is really in the keyring.
#include "client/phone/password_store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>

#include <gtest/gtest.h>

namespace tipring::client {
namespace {

const QString kService = QStringLiteral("tipring-test");

class KeychainTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    static int argc = 1;
    static char name[] = "client_password_store_test";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
  }

  // Runs one operation to its answer; the bound only keeps a broken keychain from hanging.
  template <class Start>
  KeychainOutcome wait_for(Start start) {
    std::optional<KeychainOutcome> answer;
    int answers = 0;
    start([&](const KeychainOutcome& o) {
      answer = o;
      ++answers;
    });
    QElapsedTimer clock;
    clock.start();
    while (!answer && clock.elapsed() < 20000) {
      QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    QCoreApplication::processEvents();
    EXPECT_EQ(answers, 1) << "every operation answers exactly once";
    return answer.value_or(KeychainOutcome{});
  }

  KeychainOutcome read(const QString& account) {
    return wait_for([&](auto done) { store.read(account, done); });
  }
  KeychainOutcome write(const QString& account, const QString& password) {
    return wait_for([&](auto done) { store.write(account, password, done); });
  }
  KeychainOutcome remove(const QString& account) {
    return wait_for([&](auto done) { store.remove(account, done); });
  }

  PasswordStore store{kService};
};

// What another Secret Service client finds under qtkeychain's attributes (user = the
// account, server = the service).
QString looked_up_by_secret_tool(const QString& account) {
  QProcess tool;
  tool.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("user"),
                                             account, QStringLiteral("server"), kService});
  if (!tool.waitForFinished(20000)) {
    return QStringLiteral("<secret-tool did not finish>");
  }
  return QString::fromUtf8(tool.readAllStandardOutput());
}

using SecretService = KeychainTest;

TEST_F(SecretService, StoresReadsBackOverwritesAndDeletesAPassword) {
  const QString account = QStringLiteral("sip:alice@tipring.test");
  const KeychainOutcome written = write(account, QStringLiteral("first secret"));
  ASSERT_TRUE(written.ok()) << written.error.toStdString();
  EXPECT_EQ(written.account, account);
  EXPECT_EQ(looked_up_by_secret_tool(account), "first secret");

  KeychainOutcome got = read(account);
  ASSERT_TRUE(got.ok()) << got.error.toStdString();
  EXPECT_EQ(got.password, "first secret");
  EXPECT_TRUE(got.error.isEmpty());

  ASSERT_TRUE(write(account, QStringLiteral("second: ünïcode & spaces")).ok());
  got = read(account);
  ASSERT_TRUE(got.ok()) << got.error.toStdString();
  EXPECT_EQ(got.password, QStringLiteral("second: ünïcode & spaces"));

  const KeychainOutcome removed = remove(account);
  ASSERT_TRUE(removed.ok()) << removed.error.toStdString();
  got = read(account);
  EXPECT_EQ(got.status, KeychainOutcome::Status::not_found) << got.error.toStdString();
  EXPECT_TRUE(got.password.isEmpty());
  EXPECT_TRUE(looked_up_by_secret_tool(account).isEmpty());
}

TEST_F(SecretService, EachAccountKeepsItsOwnPassword) {
  const QString alice = QStringLiteral("sip:alice@a.test");
  const QString bob = QStringLiteral("sip:bob@b.test");
  ASSERT_TRUE(write(alice, QStringLiteral("alice-pw")).ok());
  ASSERT_TRUE(write(bob, QStringLiteral("bob-pw")).ok());
  EXPECT_EQ(read(alice).password, "alice-pw");
  EXPECT_EQ(read(bob).password, "bob-pw");
  ASSERT_TRUE(remove(alice).ok());
  EXPECT_EQ(read(alice).status, KeychainOutcome::Status::not_found);
  EXPECT_EQ(read(bob).password, "bob-pw");
  ASSERT_TRUE(remove(bob).ok());
}

TEST_F(SecretService, SignalsCarryTheSameOutcomeAsTheCallback) {
  const QString account = QStringLiteral("sip:carol@tipring.test");
  std::vector<KeychainOutcome> signalled;
  QObject::connect(&store, &PasswordStore::passwordWritten,
                   [&](const KeychainOutcome& o) { signalled.push_back(o); });
  QObject::connect(&store, &PasswordStore::passwordRead,
                   [&](const KeychainOutcome& o) { signalled.push_back(o); });
  ASSERT_TRUE(write(account, QStringLiteral("carol-pw")).ok());
  ASSERT_TRUE(read(account).ok());
  ASSERT_EQ(signalled.size(), 2U);
  EXPECT_TRUE(signalled[0].ok());
  EXPECT_EQ(signalled[1].password, "carol-pw");
  EXPECT_EQ(signalled[1].account, account);
  ASSERT_TRUE(remove(account).ok());
}

TEST_F(SecretService, ReadingAnAccountNeverStoredSaysNotFound) {
  const KeychainOutcome got = read(QStringLiteral("sip:nobody@tipring.test"));
  EXPECT_EQ(got.status, KeychainOutcome::Status::not_found);
  EXPECT_EQ(got.error, "no password stored for sip:nobody@tipring.test");
}

using NoService = KeychainTest;

TEST_F(NoService, EveryOperationSaysNoKeychainServiceAvailable) {
  const QString account = QStringLiteral("sip:alice@tipring.test");
  for (const KeychainOutcome& o :
       {write(account, QStringLiteral("pw")), read(account), remove(account)}) {
    EXPECT_EQ(o.status, KeychainOutcome::Status::no_service) << o.error.toStdString();
    EXPECT_TRUE(o.error.startsWith(QLatin1String("no keychain service available")))
        << o.error.toStdString();
    EXPECT_TRUE(o.password.isEmpty());
  }
}

}  // namespace
}  // namespace tipring::client

package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** `demo` seeds a store a newcomer can open, and a second run on the same data shows the same store. */
class DemoStoreTest {

  @Test
  void demoSeedsOnceAndPrintsWorkingLinks() {
    Node node = TestNode.start(TestNode.freshDatabase());
    try {
      String first = new DemoStore(node).seed().await();
      String deal = find(first, "/api/deals/([0-9A-Z]+)");
      String stream = find(first, "/api/streams/([0-9A-Z]+)");
      ApiClient api = new ApiClient(node.port());
      var dealJson = ApiClient.expect(api.get("/api/deals/" + deal, null), 200).json();
      assertThat(dealJson.getString("status")).isEqualTo("OPEN");
      assertThat(dealJson.getString("productName")).isEqualTo("散养土鸡蛋 30枚");
      assertThat(ApiClient.expect(api.get("/api/streams/" + stream, null), 200).json().getString("title"))
          .isEqualTo("周三晚8点·鲜邻厨房");

      String second = new DemoStore(node).seed().await();
      assertThat(find(second, "/api/deals/([0-9A-Z]+)")).isEqualTo(deal);
      assertThat(find(second, "/api/streams/([0-9A-Z]+)")).isEqualTo(stream);
      long stores = node.platform().pool().query("select count(*) from stores").execute().await()
          .iterator().next().getLong(0);
      assertThat(stores).isEqualTo(1);
    } finally {
      node.close().await();
    }
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }
}

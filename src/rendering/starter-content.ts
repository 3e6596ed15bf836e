/** Starter bodies for content blocks and a realistic newsletter template (docs, tests, benchmark). */

/** Kinds of reusable content blocks. */
export enum ContentBlockKind {
  RECOMMENDATIONS = "RECOMMENDATIONS",
  RECENTLY_VIEWED = "RECENTLY_VIEWED",
  CART_REMINDER = "CART_REMINDER",
  LOCATION_OFFER = "LOCATION_OFFER",
  CUSTOM = "CUSTOM",
}

const itemColumn = (list: string) => `<mj-raw>{% for item in ${list} %}</mj-raw>
      <mj-column width="25%">
        <mj-image src="{{ item.image_url | default: 'https://cdn.example.com/placeholder.png' }}" alt="{{ item.title }}" href="{{ item.url }}" />
        <mj-text align="center" font-size="13px">{{ item.title }}</mj-text>
        <mj-text align="center" font-weight="bold">{{ item.price | money: item.currency }}</mj-text>
      </mj-column>
      <mj-raw>{% endfor %}</mj-raw>`;

/** Default MJML+Liquid bodies per block kind (a custom block has none). */
export const STARTER_BLOCKS: Record<Exclude<ContentBlockKind, ContentBlockKind.CUSTOM>, string> = {
  [ContentBlockKind.RECOMMENDATIONS]: `<mj-raw>{% recommendations strategy: 'AUTO', n: 4 as block_recs %}</mj-raw>
    <mj-section><mj-column><mj-text font-size="18px">Picked for you</mj-text></mj-column></mj-section>
    <mj-section>
      ${itemColumn("block_recs")}
    </mj-section>`,
  [ContentBlockKind.RECENTLY_VIEWED]: `<mj-raw>{% if recently_viewed.size > 0 %}</mj-raw>
    <mj-section><mj-column><mj-text font-size="18px">Still thinking about these?</mj-text></mj-column></mj-section>
    <mj-section>
      ${itemColumn("recently_viewed")}
    </mj-section>
    <mj-raw>{% endif %}</mj-raw>`,
  [ContentBlockKind.CART_REMINDER]: `<mj-raw>{% if cart.items.size > 0 %}</mj-raw>
    <mj-section background-color="#fff8e1">
      <mj-column>
        <mj-text font-size="18px">You left {{ cart.items.size }} item(s) in your cart</mj-text>
        <mj-raw>{% for item in cart.items %}</mj-raw>
        <mj-text>{{ item.title }} — {{ item.price | money: item.currency }}</mj-text>
        <mj-raw>{% endfor %}</mj-raw>
        <mj-button href="https://shop.example.com/cart">Complete your order</mj-button>
      </mj-column>
    </mj-section>
    <mj-raw>{% endif %}</mj-raw>`,
  [ContentBlockKind.LOCATION_OFFER]: `<mj-section>
      <mj-column>
        <mj-raw>{% if context.location.city %}</mj-raw>
        <mj-text>Good news for {{ context.location.city }}: free same-day pickup at our local store.</mj-text>
        <mj-raw>{% else %}</mj-raw>
        <mj-text>Free shipping on orders over $50.</mj-text>
        <mj-raw>{% endif %}</mj-raw>
      </mj-column>
    </mj-section>`,
};

/** Sample data documenting the traits the newsletter uses (and used to validate it). */
export const NEWSLETTER_SAMPLE_DATA = {
  profile: { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com", city: "London", tier: "gold", points: 1200, engagement_score: 82, purchase_history: ["Electronics", "Books"] },
};

/** A realistic ~150-line newsletter: conditions, a 4-item recommendation grid and ~20 merge tags. */
export const NEWSLETTER_MJML = `<mjml>
  <mj-head>
    <mj-title>Your weekly picks</mj-title>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="14px" color="#333333" line-height="20px" />
      <mj-button background-color="#1a73e8" color="#ffffff" border-radius="4px" />
    </mj-attributes>
    <mj-style inline="inline">
      .footer a { color: #888888; }
      .badge { padding: 2px 6px; background: #ffe082; }
    </mj-style>
  </mj-head>
  <mj-body background-color="#f4f4f4" width="600px">
    <mj-section background-color="#ffffff" padding="10px 0">
      <mj-column width="50%">
        <mj-image src="https://cdn.example.com/logo.png" alt="Shop" width="120px" href="https://shop.example.com/" />
      </mj-column>
      <mj-column width="50%">
        <mj-text align="right" font-size="12px">{{ 'now' | date: '%A, %B %-d' }}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="22px" font-weight="bold">Hi {{ profile.first_name | default: 'there' }},</mj-text>
        <mj-text>
          {% if context.local.hour < 12 %}Good morning{% elsif context.local.hour < 18 %}Good afternoon{% else %}Good evening{% endif %}
          from all of us. Here is what is new this week{% if profile.city %} in {{ profile.city }}{% endif %}.
        </mj-text>
        <mj-text>Member: {{ profile.first_name | default: 'Friend' }} {{ profile.last_name }} ({{ profile.email }})</mj-text>
      </mj-column>
    </mj-section>
    <mj-raw>{% if profile.tier == 'gold' %}</mj-raw>
    <mj-section background-color="#fff3cd">
      <mj-column>
        <mj-text><span class="badge">GOLD</span> You have {{ profile.points | default: 0 }} points, {{ profile.first_name | default: 'friend' }}.</mj-text>
        <mj-button href="https://shop.example.com/rewards?tier={{ profile.tier }}">Use your points</mj-button>
      </mj-column>
    </mj-section>
    <mj-raw>{% elsif profile.tier == 'silver' %}</mj-raw>
    <mj-section background-color="#eeeeee">
      <mj-column>
        <mj-text>Only a few more orders until Gold, {{ profile.first_name | default: 'friend' }}!</mj-text>
      </mj-column>
    </mj-section>
    <mj-raw>{% endif %}</mj-raw>
    <mj-raw>{% if engagement_score > 70 and purchase_history contains 'Electronics' %}</mj-raw>
    <mj-section background-color="#e3f2fd">
      <mj-column>
        <mj-text font-size="18px">New in Electronics</mj-text>
        <mj-text>Because you love gadgets: headphones, chargers and smart home deals.</mj-text>
        <mj-button href="https://shop.example.com/c/electronics">Shop Electronics</mj-button>
      </mj-column>
    </mj-section>
    <mj-raw>{% endif %}</mj-raw>
    <mj-raw>{% if segments contains 'cart-abandoners' %}</mj-raw>
    <mj-section background-color="#fce4ec">
      <mj-column>
        <mj-text>Your cart misses you, {{ profile.first_name | default: 'there' }}. Items are reserved for 24 hours.</mj-text>
        <mj-button href="https://shop.example.com/cart">Return to cart</mj-button>
      </mj-column>
    </mj-section>
    <mj-raw>{% endif %}</mj-raw>
    <mj-raw>{% recommendations strategy: 'AUTO', n: 4 as recs %}</mj-raw>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="18px" font-weight="bold">Picked for you, {{ profile.first_name | default: 'there' }}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-raw>{% for item in recs %}</mj-raw>
      <mj-column width="25%">
        <mj-image src="{{ item.image_url | default: 'https://cdn.example.com/placeholder.png' }}" alt="{{ item.title }}" href="{{ item.url }}" />
        <mj-text align="center" font-size="13px">{{ item.title }}</mj-text>
        <mj-text align="center" font-weight="bold">{{ item.price | money: item.currency }}</mj-text>
        <mj-text align="center" font-size="11px" color="#777777">{{ item.brand | default: '' }}</mj-text>
      </mj-column>
      <mj-raw>{% endfor %}</mj-raw>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-divider border-color="#eeeeee" />
        <mj-text>
          {% if predictions.churn_risk > 0.6 %}We miss you! Here is 15% off your next order with code COMEBACK15.{% else %}Thanks for being with us, {{ profile.first_name | default: 'friend' }}.{% endif %}
        </mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column width="50%">
        <mj-text font-size="16px">Store near you</mj-text>
        <mj-text>{{ context.location.city | default: profile.city | default: 'Find a store online' }}</mj-text>
      </mj-column>
      <mj-column width="50%">
        <mj-text font-size="16px">Opening hours</mj-text>
        <mj-text>Mon–Sat 9:00–20:00, Sun 10:00–18:00</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column width="33%">
        <mj-image src="https://cdn.example.com/cat-women.jpg" alt="Women" href="https://shop.example.com/c/women" />
        <mj-text align="center">Women</mj-text>
      </mj-column>
      <mj-column width="33%">
        <mj-image src="https://cdn.example.com/cat-men.jpg" alt="Men" href="https://shop.example.com/c/men" />
        <mj-text align="center">Men</mj-text>
      </mj-column>
      <mj-column width="33%">
        <mj-image src="https://cdn.example.com/cat-home.jpg" alt="Home" href="https://shop.example.com/c/home" />
        <mj-text align="center">Home</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text>Viewing on {{ context.device | default: 'your device' }}? Get the app for faster checkout.</mj-text>
        <mj-button href="https://shop.example.com/app">Get the app</mj-button>
      </mj-column>
    </mj-section>
    <mj-section>
      <mj-column>
        <mj-social font-size="12px" icon-size="20px" mode="horizontal">
          <mj-social-element name="facebook" href="https://facebook.com/shop">Facebook</mj-social-element>
          <mj-social-element name="instagram" href="https://instagram.com/shop">Instagram</mj-social-element>
        </mj-social>
        <mj-text css-class="footer" font-size="11px" color="#888888" align="center">
          You receive this email as {{ profile.email | default: 'a subscriber' }}. <a href="https://shop.example.com/preferences">Preferences</a> · <a href="https://shop.example.com/unsubscribe">Unsubscribe</a>
        </mj-text>
        <mj-text font-size="11px" color="#888888" align="center">Shop Inc., 1 Market Street, London</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

export const NEWSLETTER_SUBJECT = "{{ profile.first_name | default: 'Hey' }}, your weekly picks are here";
export const NEWSLETTER_PREHEADER = "{% if profile.tier == 'gold' %}Gold perks inside. {% endif %}New arrivals picked for you.";

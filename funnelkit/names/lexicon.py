"""Cue lexicon: ru / uk / en lemmas grouped by meaning (article 001 categories, label definitions).

A pattern is one or more space-separated tokens that must occur as adjacent words; «..» between
two tokens allows up to two words in between. A token is a *lemma* (matched against every
lemma pymorphy3 gives the word, so «думать» covers думает / думают / думала, «відкласти» covers
відклали / відкладу), «=word» must equal the word as written (abbreviations: «=кп»), and
«stem*» is a prefix, kept only for compounds and slang the dictionaries do not know
(«недозвон*»). Every entry is a general way sales teams name such a stage, not one portal's name.
"""

from __future__ import annotations

from funnelkit.names.cues import cue

# --- article 001: a «client thinks» bucket (items 1 and 5) --------------------------------
THINKING = cue(
    "client thinks / decides",
    """
    думать | подумать | задуматься | раздумывать | раздумье | обдумывать | размышлять |
    колебаться | сомневаться | принимать .. решение | принять .. решение | принятие .. решение |
    думка | думати | подумати | обмірковувати | обміркувати | роздумувати | вагатися |
    сумніватися | приймати .. рішення | прийняти .. рішення | прийняття .. рішення |
    ухвалювати .. рішення | клиент .. рассматривать | рассматривать .. предложение |
    рассматривать .. кп | клієнт .. розглядати | розглядати .. пропозиція | розглядати .. кп |
    рассмотрение .. кп |
    рассмотрение .. предложение | розгляд .. кп | розгляд .. пропозиція | не готовый .. купить |
    пока не готовый | поки не готовий | клиент .. не готовый | клієнт .. не готовий |
    pending .. decision | think | consider | evaluate | decide | undecided |
    on the fence | decision making | making .. decision | under consideration | not ready .. buy |
    =pensando | toma .. decision | tomada .. decisao
    """,
)
# --- the client cannot be reached (article 001: «он не отвечает на звонки») ---------------
NO_ANSWER = cue(
    "no answer",
    """
    не отвечать | не ответить | неотвеченный | недозвон* | не дозвониться | не брать трубка |
    не взять трубка | =нбт | не выходить .. связь | не выйти .. связь | не на связь | пропасть |
    исчезнуть | игнорировать | игнор | автоответчик | молчать | нет ответ | без ответ |
    абонент недоступный | недоступный | нет связь | без связь | немає зв'язок | без зв'язок |
    не відповідати | недодзвон* | не додзвонитися |
    не брати слухавка | не взяти слухавка | не брати трубка | не взяти трубка |
    не виходити .. зв'язок | не вийти .. зв'язок |
    не на зв'язок | зникнути | пропасти | ігнорувати | ігнор | мовчати | немає відповідь |
    без відповідь | недоступний | автовідповідач | no answer | not answer | no response |
    unresponsive | not respond | unreachable | voicemail | ghost | no contact | went silent |
    attempt .. contact | =attempted
    """,
)
# --- parked, postponed, reminder stages (article 001: «етапи-нагадування») -----------------
POSTPONED = cue(
    "postponed / parked",
    """
    отложить | откладывать | отсрочка | пауза | заморозить | заморозка | задержка | позже |
    =потом | следующий год | следующий месяц | перезвонить | перезвон* | напоминание |
    напомнить | подогрев | прогрев | отстойник | корзина | парковка | архив | архивный |
    спящий | спать | зависнуть | висяк | долгий ящик | не сейчас | долгосрочный | неактивный |
    відкласти | відкладений | відкладати | затримка | пізніше | =потім | наступний рік |
    наступний місяць | передзвонити | передзвон* | нагадування | нагадати | підігрів | прогрів |
    відстійник | кошик | архів | архівний | сплячий | зависнути | довгостроковий | неактивний |
    не зараз | postpone | defer | =later | hold | pause | freeze | frozen | delay | next year |
    next month | nurture | follow up | followup | call back | callback | remind | reminder |
    archive | dormant | inactive | stall | stale | idle | parked | parking | recycle | not now |
    someday | =maybe | long term | snooze | went cold | gone cold | go cold |
    =seguimiento | nachfass* | через .. неделя |
    через .. месяц | через .. год | через .. тиждень | через .. місяць | через .. рік |
    подписка .. рассылка | підписка .. розсилка | newsletter
    """,
)
WAITING = cue(
    "waiting",
    """
    ожидать | ожидание | ждать | чекати | очікування | очікувати | wait | await
    """,
)
CLIENT_ONLY = cue(
    "client / answer words",
    """
    клиент | клієнт | ответ | відповідь | решение | рішення | связь | зв'язок | обратный |
    зворотний | реакция | реакція | покупатель | покупець | заказчик | замовник | client |
    customer | response | reply | answer | feedback | decision | =него | =нього | him | them
    """,
)
ATTEMPT = cue(
    "attempt / touch",
    """
    попытка | спроба | attempt | недозвон* | недодзвон* | не дозвониться | не додзвонитися |
    звонок | дзвінок | call | касание | дотик | touch | follow | напоминание | нагадування |
    remind | =seguimiento | no answer | перезвон* | передзвон* | перезвонить | передзвонити
    """,
)
DECISION_MAKER = cue(
    "decision makers",
    """
    =лпр | лицо .. принимать | особа .. приймати | особа .. приймаючий | decision maker
    """,
)
# --- vague: a state or an activity that goes on in any stage (label definition) ------------
ACTIVITY = cue(
    "generic activity",
    """
    переговоры | переговори | negotiation | negotiate | negoci* | negozia* | verhandl* |
    обсуждение | обсуждать | обсудить | обговорення | обговорювати | обговорити | discuss |
    discussion | обработка |
    обробка | =processing | in progress | =wip | в работа | в робота | в процесс | в процес |
    возражение | заперечення | objection | взаимодействие | коммуникация | комунікація |
    communication | engagement | =engaged | работа с | робота з | торг | bargain | into work |
    в реализация |
    в реалізація | in realization | =working | in work | ведение | сопровождение |
    сопровождать | супровід | супроводжувати | общение | спілкування | разговаривать | разговор |
    розмовляти | розмова | спілкуватися | общаться | talk | en progreso | en proceso |
    em andamento | in bearbeitung
    """,
)
# «Taken into work» only says that someone started; it names no situation (issue 20).
TAKEN_IN = cue("taken into work", "взять | принять | взяти | прийняти | take | taken")
# Step names that a result word turns into a situation («Потребность выявлена»).
STEP_ACTIVITY = cue(
    "activity without a result",
    """
    консультация | консультація | consultation | consult | анализ | аналіз | analysis |
    выявление .. потребность | виявлення .. потреба | =needs | изучение | вивчення | prospect |
    проспектинг | проспектінг | первичный контакт | первинний контакт | первый контакт |
    перший контакт | initial contact | first contact | value proposition | perception |
    уточнение | уточнення | выяснение | з'ясування | сбор информация | збір інформація |
    потенциальный | потенційний | potential | заинтересовать | зацікавлений | зацікавити |
    =interested | интерес | інтерес | =pending | горячий | гарячий | =hot | =warm | теплый |
    теплий | холодный | холодний | =cold | discovery | =contacting | contacto inicial |
    contato inicial | primer contacto | =prospeccion | =prospeccao
    """,
)
FLAG = cue(
    "exception flag",
    """
    требовать | требоваться | потребувати | вимагати | attention | ошибка | помилка | проблема |
    problem | =issue | =issues
    """,
)
BARE_ACTIVITY = cue(
    "bare activity noun",
    """
    согласование | узгодження | погодження | подготовка | підготовка | оформление | оформлення |
    approval | preparation | =preparing | =контакт | =contact | =работа | =робота | обсуждение |
    звонок |
    дзвінок | =call | =closing | документ | document | корректировка | коррекция | коригування
    """,
)
# --- sales steps: documents and payments (label definition, policy b) ----------------------
SALES = cue(
    "sales step",
    """
    =кп | коммерческий предложение | комерційний пропозиція | предложение | пропозиція | offer |
    оффер | proposal | quote | quotation | =cotizacion | счет | рахунок | invoice | bill |
    billing | договор | договір | контракт | contract | оферта | оплата | оплатить | сплатити |
    payment | =paid | =pago | zahlung | предоплата | передоплата | prepayment | заказ |
    замовлення | order | purchase | deposit | аванс | инвойс | інвойс | доплата | постоплата
    """,
)
# Nouns that, alone or with adjectives, only name a sales document (policy b).
DOCUMENT = cue(
    "bare sales document",
    """
    =кп | предложение | пропозиція | offer | proposal | quote | quotation | price | цена | ціна |
    счет | рахунок | invoice | invoicing | договор | договір | контракт | contract | заказ |
    замовлення | order | оферта | оплата | предоплата | передоплата | доплата | аванс
    """,
)
NOT_SALES = cue("not a sale", "заказ .. звонок | замовлення .. дзвінок | callback request")
MILESTONE = cue(
    "concrete step",
    """
    показ | встреча | зустріч | демо | demo | meeting | showing | презентация | презентація |
    presentation | замер | замір | вимір | выезд | виїзд | визит | візит | visit | =тз | смета |
    кошторис | расчет | розрахунок | пробный | пробний | trial | appointment | =appt |
    экскурсия | екскурсія | фиксация | анкета | регистрация | реєстрація | вариант | варіант |
    бронь | бронирование | booking | ипотека | іпотека | доставка | delivery | курьер | кур'єр |
    тендер | tender | запись | запис | booked | closing document | закрывающий документ |
    закриваючий документ
    """,
)
# --- terminal outcomes ----------------------------------------------------------------------
FAILURE = cue(
    "failure outcome",
    """
    отказ | отказаться | відмова | відмовитися | =lost | проиграть | програти | провал |
    провалить | не реализовать | не реалізований | не реалізувати | не сработать | брак |
    забраковать | спам | =spam | дубль | duplicate | отмена | отменить | скасувати |
    скасований | cancel | =junk | disqualify | нецелевой | нецільовий | отклонить | відхилити |
    reject | decline | =perdido | =perdida | not interested | потерять | втратити | втрачений
    """,
)
SUCCESS = cue(
    "success outcome",
    """
    успешно | успешный | успішний | успішно | успех | успіх | =won | выиграть | виграти |
    =ganado | сделка заключить | closed won
    """,
)
START = cue(
    "new / incoming",
    """
    =новый | =новая | =новое | =новий | =нова | =нове | =new | входящий | вхідний | =incoming |
    неразобр* | нерозібр* | не розібраний
    """,
)
REWORK = cue(
    "rework",
    """
    доработка | доработать | доопрацювання | доопрацювати | rework | исправить | исправление |
    виправити | =redo
    """,
)
# --- article 001, mistake 2: a fixed-duration task glued to an open-ended client wait -------
INTERNAL_TASK = cue(
    "fixed-duration internal task",
    """
    подготовить | подготовка | підготувати | підготовка | отправить | отправка | відправити |
    відправка | надіслати | выслать | вислати | составить | составление | скласти | сделать |
    зробити | рассчитать | расчет | розрахувати | розрахунок | оформить | оформление |
    оформлення | выставить | виставити | prepare | preparation | =draft | calculate | send |
    write | make | build
    """,
)
CLIENT_WAIT = cue(
    "open-ended client wait",
    """
    согласовать | согласование | узгодити | узгодження | погодити | погодження | утвердить |
    утверждение | затвердити | approve | approval | agree | feedback | decision | решение |
    рішення | ответ | відповідь | подписать | подписание | підписати | підписання | sign |
    думать | ожидать | ожидание | очікувати | wait | оплата | оплатить | payment | =pay |
    дождаться | дочекатися | подпись | підпис
    """,
)
DATE_WORDS = cue(
    "date / deadline",
    """
    понедельник | вторник | среда | четверг | пятница | суббота | воскресенье | понеділок |
    вівторок | середа | четвер | п'ятниця | субота | неділя | завтра | tomorrow | monday |
    tuesday | wednesday | thursday | friday | until | deadline | дедлайн | срок |
    термін | дата | date
    """,
)
# --- too-granular: elementary actions as stages (article 001, «елементарні дії») -----------
CHANNEL = cue(
    "single message",
    """
    whatsapp | whats app | ватсап | вотсап | telegram | телеграм | viber | вайбер | sms | смс |
    email | e mail | письмо | сообщение | повідомлення | message | emailed | texted
    """,
)
COURTESY = cue(
    "courtesy call",
    """
    звонок вежливость | дзвінок ввічливість | courtesy call | welcome call | приветственный звонок |
    вітальний дзвінок | контрольный звонок | контрольний дзвінок | thank you call
    """,
)
HANDOFF = cue(
    "internal hand-off",
    """
    передать | передача | передавать | передати | передавати | передання | transfer | hand off |
    handed over | assign | назначить ответственный | призначити відповідальний
    """,
)
# A delay or a period («через месяц», «в ближайшее время», «2 тижні»).
TIME = cue(
    "time period",
    """
    день | неделя | месяц | год | время | тиждень | місяць | рік | час | day | week | month | year
    """,
)
# «Отправлено», «выслано», «sent»: the step a preparation stage leads to.
SENT = cue(
    "sent",
    """
    отправить | выслать | направить | відправити | надіслати | вислати | send | =sent
    """,
)
_EN_IMPERATIVE_TEXT = (
    "call contact get send confirm agree schedule book check follow obtain ask remind find "
    "prepare sign collect chase verify email text arrange clarify request qualify record "
    "review decide issue hold bring discuss approve propose present invite deliver install "
    "pay test train transfer reserve ship update register offer close hand"
)
EN_IMPERATIVES = frozenset(_EN_IMPERATIVE_TEXT.split())
# English words that are as often nouns («Request audit», «Call list»): a task inside a later
# clause, but not enough to read a whole name as an instruction.
EN_NOUN_LIKE = frozenset(
    ["call", "contact", "request", "text", "email", "book", "check", "follow", "sign"]
)
